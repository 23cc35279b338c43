// attach-daemon2's touch= and stopsignal= against the published binary: touching the file restarts
// the daemon (a new pid), and every stop (the touch, the master's stop) sends the daemon's process
// group the configured signal, which the daemon's shell traps and records.

using DotnetWsgi.Manager.Tests.Support;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Integration;

[Collection("real processes")]
public sealed class AttachDaemon2TouchTests
{
    private static int? PidIn(string file)
    {
        try { return int.TryParse(File.ReadAllText(file).Trim(), out int pid) ? pid : null; }
        catch (IOException) { return null; }
    }

    private static int Lines(string file, string text)
    {
        try { return File.ReadAllLines(file).Count(l => l == text); }
        catch (IOException) { return 0; }
    }

    private static int WaitForNewPid(string file, int? previous, string what)
    {
        int pid = 0;
        Wait.Until(() => PidIn(file) is int p && p != previous && RecordingLauncher.IsAlive(p) && (pid = p) > 0, what);
        return pid;
    }

    [BinaryFact]
    public void Touch_RestartsTheDaemonWithANewPid_AndStopsUseTheStopSignal()
    {
        string dir = Directory.CreateTempSubdirectory("dnw-daemon2-").FullName;
        string pidfile = Path.Combine(dir, "daemon.pid"), signals = Path.Combine(dir, "signals"), touch = Path.Combine(dir, "restart");
        File.WriteAllText(touch, "");
        var pids = new List<int>();
        try
        {
            // SIGINT (2), not the default SIGTERM: the shell records it before it exits.
            string cmd = $"echo $$ > {pidfile}; trap 'echo got-int >> {signals}; exit 0' INT; while :; do sleep 0.1; done";
            using var dn = new BinaryInstance(1, $"attach-daemon2 = cmd={cmd},touch={touch},stopsignal=2").WaitServing();
            pids.Add(WaitForNewPid(pidfile, null, "the daemon to start"));

            File.SetLastWriteTimeUtc(touch, DateTime.UtcNow.AddSeconds(5));
            pids.Add(WaitForNewPid(pidfile, pids[^1], "the touched daemon to be restarted"));
            Wait.Until(() => !RecordingLauncher.IsAlive(pids[0]), "the daemon of before the touch to exit");
            Assert.Equal(1, Lines(signals, "got-int"));
            Assert.True(dn.Logged($"[uwsgi-daemons] {touch} touched: restarting"), string.Join("\n", dn.Output));

            Assert.Equal(0, Libc.Kill(dn.Pid, Signals.SIGTERM));
            Assert.Equal(0, dn.WaitForExit());
            Wait.Until(() => !RecordingLauncher.IsAlive(pids[^1]), "the daemon to stop with the master");
            Assert.Equal(2, Lines(signals, "got-int"));
        }
        finally
        {
            foreach (int pid in pids) Libc.Kill(pid, Signals.SIGKILL);
            Directory.Delete(dir, true);
        }
    }
}
