// A master started under nohup (SIGHUP ignored; an ignored disposition survives exec) still
// reloads on SIGHUP, as uWSGI does. Without resetting the disposition, .NET left the inherited
// SIG_IGN in place and `dotnetwsgi --reload` under nohup silently did nothing. SIGTERM still stops.

using DotnetWsgi.Manager.Tests.Support;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Integration;

[Collection("real processes")]
public class InheritedIgnoredSignalsTests
{
    private sealed class StartedWithSignalsIgnored : MasterInstance
    {
        public StartedWithSignalsIgnored()
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, "apps", "app.py"), Path.Combine(Dir, "app.py"));
            File.WriteAllLines(Ini, ["[uwsgi]", $"http-socket = 127.0.0.1:{Port}", $"wsgi-file = {Path.Combine(Dir, "app.py")}",
                "processes = 1", "master = true", "worker-reload-mercy = 30"]);
            // what nohup does: SIGHUP to SIG_IGN, then exec the binary in place (same pid, disposition inherited)
            Start("/bin/sh", ["-c", "trap '' HUP; exec \"$0\" \"$@\"", Repo.Binary, "--ini", Ini]);
        }
    }

    [BinaryFact]
    public void SighupReloads_UnderNohup()
    {
        using var dn = new StartedWithSignalsIgnored().WaitServing();
        var before = dn.WorkerPids();
        Assert.Single(before);

        Libc.Kill(dn.Pid, Signals.SIGHUP);
        Wait.Until(() => dn.WorkerPids() is { Count: 1 } now && !now.Overlaps(before), "a new worker after SIGHUP", TimeSpan.FromSeconds(60));
        Assert.Matches("^[0-9]+$", dn.Get("/pid"));

        Libc.Kill(dn.Pid, Signals.SIGTERM);
        Assert.Equal(0, dn.WaitForExit());
    }
}
