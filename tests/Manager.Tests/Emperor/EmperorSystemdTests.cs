// The Emperor under systemd (Type=notify, as samples/dotnetwsgi-emperor.service): a real unix
// datagram socket stands for the service manager and records what the Emperor says.

using DotnetWsgi.Manager.Tests.Integration;
using DotnetWsgi.Manager.Tests.Integration.Systemd;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Emperor;

[Collection("real processes")]
public class EmperorSystemdTests
{
    [BinaryFact]
    public void TheEmperor_SaysReadyAfterLaunchingItsVassals_AndStoppingOnStop_AndVassalsNeverNotify()
    {
        int port = Repo.FreePort();
        string dir = Repo.TempDir("emp-notify");
        try
        {
            using var listener = new NotifyListener(Path.Combine(dir, "notify.sock"));
            using var emperor = new EmperorInstance(e => e.WriteVassal("a.ini", port),
                new Dictionary<string, string> { ["NOTIFY_SOCKET"] = listener.NotifySocket });
            Wait.Until(() => listener.Lines.Contains("READY=1"), "READY=1 from the Emperor", TimeSpan.FromSeconds(90));
            Assert.Contains("STATUS=The Emperor is governing 1 vassals", listener.Lines);
            Assert.Contains($"MAINPID={emperor.Process.Pid}", listener.Lines);

            emperor.WaitServing(port);
            Libc.Kill(emperor.Process.Pid, Signals.SIGTERM);
            Assert.Equal(0, emperor.Process.WaitForExit());
            Assert.Contains("STOPPING=1", listener.Lines);
            // Only the Emperor spoke: its vassal master (which would say READY=1 with its own MAINPID) never saw NOTIFY_SOCKET.
            Assert.All(listener.Lines.Where(l => l.StartsWith("MAINPID=", StringComparison.Ordinal)),
                l => Assert.Equal($"MAINPID={emperor.Process.Pid}", l));
        }
        finally { Repo.DeleteDir(dir); }
    }
}
