// A master started with its control signals ignored (nohup ignores SIGHUP; a script's `cmd &`
// ignores SIGINT and SIGQUIT; an ignored disposition survives exec) still obeys them, as uWSGI does:
// SIGHUP reloads (new workers), SIGINT stops gracefully. Without resetting the dispositions, .NET
// left the inherited SIG_IGN in place: `dotnetwsgi --reload` under nohup did nothing, and so did
// `kill -INT` of a master started with `&` from a script.

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
            // what nohup and `cmd &` do: the signals set to SIG_IGN, then exec the binary in place (same pid)
            Start("/bin/sh", ["-c", "trap '' HUP INT QUIT; exec \"$0\" \"$@\"", Repo.Binary, "--ini", Ini]);
        }
    }

    [BinaryFact]
    public void SighupReloads_AndSigintStops_EvenWhenTheStarterIgnoredThem()
    {
        using var dn = new StartedWithSignalsIgnored().WaitServing();
        dn.Until(() => dn.WorkerPids().Count == 1, "one worker in the scoreboard", TimeSpan.FromSeconds(60));
        var before = dn.WorkerPids();

        Libc.Kill(dn.Pid, Signals.SIGHUP);
        dn.Until(() => dn.WorkerPids() is { Count: 1 } now && !now.Overlaps(before), "a new worker after SIGHUP", TimeSpan.FromSeconds(60));
        Assert.Matches("^[0-9]+$", dn.Get("/pid"));

        Libc.Kill(dn.Pid, Signals.SIGINT);
        Assert.Equal(0, dn.WaitForExit());
    }
}
