// Attached daemons against the published binary, with real processes: started with the master,
// output in its log, restarted when killed, stopped and started again on reload, stopped with the
// master; smart daemons tracked by pidfile and left running when the master stops.

using DotnetWsgi.Manager.Tests.Support;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Integration;

[Collection("real processes")]
public sealed class AttachDaemonTests
{
    private static int? PidIn(string file)
    {
        try { return int.TryParse(File.ReadAllText(file).Trim(), out int pid) ? pid : null; }
        catch (IOException) { return null; }
    }

    private static bool Alive(int pid) => RecordingLauncher.IsAlive(pid);

    private static int WaitForNewPid(string file, int? previous, string what)
    {
        int pid = 0;
        Wait.Until(() => PidIn(file) is int p && p != previous && Alive(p) && (pid = p) > 0, what);
        return pid;
    }

    [BinaryFact]
    public void AttachDaemon_RunsBesideTheWorkers_IsRestartedOnDeathAndReload_AndStopsWithTheMaster()
    {
        string dir = Directory.CreateTempSubdirectory("dnw-daemon-").FullName;
        string pidfile = Path.Combine(dir, "daemon.pid");
        var pids = new List<int>();
        try
        {
            using var dn = new BinaryInstance(1, $"attach-daemon = echo daemon says hello; echo $$ > {pidfile}; exec sleep 1000").WaitServing();
            pids.Add(WaitForNewPid(pidfile, null, "the daemon to start"));
            Wait.Until(() => dn.Logged("daemon says hello"), "the daemon's output in the master's log");
            Assert.True(dn.Logged($"[uwsgi-daemons] spawning \"echo daemon says hello;"));

            Assert.Equal(0, Libc.Kill(pids[^1], Signals.SIGKILL));
            pids.Add(WaitForNewPid(pidfile, pids[^1], "the killed daemon to be restarted"));
            Assert.True(dn.Logged("throttling, respawn in 1 s"));

            Assert.Equal(0, Libc.Kill(dn.Pid, Signals.SIGHUP));
            pids.Add(WaitForNewPid(pidfile, pids[^1], "the daemon to be restarted by the reload"));
            Assert.False(Alive(pids[^2]), "the daemon of before the reload still runs");
            Assert.Equal("v1", dn.Get("/version"));

            Assert.Equal(0, Libc.Kill(dn.Pid, Signals.SIGTERM));
            Assert.Equal(0, dn.WaitForExit());
            Wait.Until(() => !Alive(pids[^1]), "the daemon to stop with the master");
        }
        finally
        {
            foreach (int pid in pids) Libc.Kill(pid, Signals.SIGKILL);
            Directory.Delete(dir, true);
        }
    }

    [BinaryFact]
    public void SmartAttachDaemon_IsTrackedByPidfile_RestartedWhenItDies_AndSurvivesTheMaster()
    {
        string dir = Directory.CreateTempSubdirectory("dnw-smart-").FullName;
        string pidfile = Path.Combine(dir, "smart.pid");
        var pids = new List<int>();
        try
        {
            // The command daemonizes: the shell starts sleep in the background, writes its pid and exits.
            using var dn = new BinaryInstance(1, $"smart-attach-daemon = {pidfile} sleep 1000 & echo $! > {pidfile}").WaitServing();
            pids.Add(WaitForNewPid(pidfile, null, "the smart daemon to start"));

            Assert.Equal(0, Libc.Kill(pids[^1], Signals.SIGKILL));
            pids.Add(WaitForNewPid(pidfile, pids[^1], "the smart daemon to be restarted"));
            Assert.True(dn.Logged("its pidfile names no running process"));

            Assert.Equal(0, Libc.Kill(dn.Pid, Signals.SIGTERM));
            Assert.Equal(0, dn.WaitForExit());
            Assert.True(Alive(pids[^1]), "a smart daemon survives its master's stop");
        }
        finally
        {
            foreach (int pid in pids) Libc.Kill(pid, Signals.SIGKILL);
            Directory.Delete(dir, true);
        }
    }

    [BinaryFact]
    public void AttachDaemon2_WithAnUnknownKey_StopsTheStartWithAClearError()
    {
        using var dn = new BinaryInstance(1, "attach-daemon2 = cmd=sleep 1000,bogus=1");
        Assert.Equal(1, dn.WaitForExit());
        Assert.True(dn.Logged("attach-daemon2 = cmd=sleep 1000,bogus=1: unknown key 'bogus'"), string.Join("\n", dn.Output));
    }
}
