// The master as a process: real signals, the pidfile, --stop/--reload, kill -9, vacuum, logto.

using System.Net.Sockets;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Control;
using DotnetWsgi.Manager.Tests.Support;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Master;

[Collection("real processes")]
public class MasterProcessTests
{
    [PythonFact]
    public void Stop_ThroughPidfile_StopsGracefully_AndVacuumLeavesNoFiles()
    {
        using var host = new MasterHostProcess((h, o) => o with
        {
            Vacuum = true,
            Pidfile2 = Path.Combine(h.Dir, "second.pid"),
            MasterFifo = [Path.Combine(h.Dir, "fifo")],
            Sockets = [.. o.Sockets, new SocketSpec("socket", Path.Combine(h.Dir, "app.sock"), SocketProtocol.Uwsgi, SocketFamily.Unix, null, 0, Path.Combine(h.Dir, "app.sock"))],
        }).Start().WaitServing();
        host.Until(() => host.WorkerPids().Count == 2, "both workers");
        var workers = host.WorkerPids();
        Assert.Equal($"{host.Pid}\n", File.ReadAllText(host.PidfilePath));
        Assert.True(File.Exists(Path.Combine(host.Dir, "app.sock")));
        Assert.Equal(0, ControlCommands.Stop(host.PidfilePath, TextWriter.Null));
        Assert.Equal(0, host.WaitForExit());
        Assert.True(host.Logged("goodbye to uWSGI."));
        foreach (var name in new[] { "master.pid", "second.pid", "app.sock", "fifo" })
            Assert.False(File.Exists(Path.Combine(host.Dir, name)), $"{name} left behind");
        Assert.All(workers, pid => Assert.False(RecordingLauncher.IsAlive(pid)));
    }

    [PythonFact]
    public void Reload_ThroughPidfile_KeepsMasterPid_AndServesNewCode()
    {
        using var host = new MasterHostProcess().Start().WaitServing();
        Assert.Equal("v1", host.Get("/version"));
        File.WriteAllText(host.AppFile, File.ReadAllText(host.AppFile).Replace("\"v1\"", "\"v2\""));
        host.WriteOptions(host.Options with { Processes = 3 }); // an edited configuration takes effect
        Assert.Equal(0, ControlCommands.Reload(host.PidfilePath, TextWriter.Null));
        Wait.Until(() => host.Get("/version") == "v2" && host.Get("/version") == "v2" && host.Get("/version") == "v2", "new code on every worker");
        Assert.False(host.HasExited);
        Assert.Equal($"{host.Pid}\n", File.ReadAllText(host.PidfilePath));
        Wait.Until(() => host.Output.Count(l => l.Contains("spawned uWSGI worker")) == 5, "three workers of the new generation");
    }

    [PythonFact]
    public void KillMaster_WithSigkill_LeavesNoWorkerAfterTwoSeconds()
    {
        using var host = new MasterHostProcess().Start().WaitServing();
        host.Until(() => host.WorkerPids().Count == 2, "both workers");
        var workers = host.WorkerPids();
        Libc.Kill(host.Pid, Signals.SIGKILL);
        Wait.Until(() => workers.All(p => !RecordingLauncher.IsAlive(p)), "the orphaned workers to exit", TimeSpan.FromSeconds(2));
    }

    [PythonFact]
    public void Sigterm_WithRequestInFlight_CompletesItThenExitsZero()
    {
        using var host = new MasterHostProcess((_, o) => o with { Processes = 1 }).Start().WaitServing();
        var inFlight = Task.Run(() => host.Get("/sleep?s=3"));
        host.WaitInFlight("GET /sleep?s=3");
        Libc.Kill(host.Pid, Signals.SIGTERM);
        Assert.Equal(0, host.WaitForExit());
        Assert.Matches("^[0-9]+$", inFlight.Result);
        Assert.True(host.Logged("graceful shutdown triggered by SIGTERM"));
    }

    [PythonFact]
    public void Start_ExitsOne_WithOneLineNamingTheAddress_WhenPortIsInUse()
    {
        using var host = new MasterHostProcess();
        using var taken = new TcpListener(System.Net.IPAddress.Loopback, host.Port);
        taken.Start();
        host.Start();
        Assert.Equal(1, host.WaitForExit());
        Assert.Single(host.Output, l => l.Contains($"127.0.0.1:{host.Port}") && l.Contains("in use"));
        Assert.DoesNotContain(host.Output, l => l.Contains("   at "));
        Assert.False(File.Exists(host.PidfilePath)); // no stale pidfile for --stop to trip over
    }

    [PythonFact]
    public void Start_ExitsWith22_WhenNoWorkerCanLoadTheApp()
    {
        using var host = new MasterHostProcess();
        File.AppendAllText(host.AppFile, "\nraise RuntimeError('broken app')\n");
        host.Start();
        Assert.Equal(22, host.WaitForExit());
        Assert.True(host.Logged("need-app requested, destroying the instance..."));
    }

    [PythonFact]
    public void Usr1AndUsr2_LogStatsAndStatus_WithoutStoppingTheMaster()
    {
        using var host = new MasterHostProcess().Start().WaitServing();
        host.Get("/pid");
        Libc.Kill(host.Pid, Signals.SIGUSR1);
        Wait.Until(() => host.Logged("workers total requests:"), "the stats");
        Libc.Kill(host.Pid, Signals.SIGUSR2);
        Wait.Until(() => host.Logged("no request in progress"), "the worker status");
        Assert.False(host.HasExited);
        Assert.NotEmpty(host.Get("/pid"));
    }

    [PythonFact]
    public void Ttin_AddsAWorker()
    {
        using var host = new MasterHostProcess((_, o) => o with { Processes = 1 }).Start().WaitServing();
        Libc.Kill(host.Pid, Signals.SIGTTIN);
        host.Until(() => host.WorkerPids().Count == 2, "a second worker");
        host.WaitLogged("workers wanted: 2"); // output is read asynchronously: wait for it
    }

    [PythonFact]
    public void LogMaxsize_RotatesTheLogtoFile_ToUnixTimeSuffix()
    {
        using var host = new MasterHostProcess((h, o) => o with { Logto = Path.Combine(h.Dir, "app.log"), LogMaxsize = 4000 }).Start().WaitServing();
        string[] Rotated() => Directory.GetFiles(host.Dir).Where(f => Path.GetFileName(f).StartsWith("app.log.")).ToArray();
        // Each SIGUSR1 adds the stats to the log until it outgrows log-maxsize (signals may coalesce: send until done).
        Wait.Until(() => Libc.Kill(host.Pid, Signals.SIGUSR1) == 0 && Rotated().Length > 0, "a rotated log file");
        string rotated = Rotated()[0];
        Assert.Matches(@"app\.log\.\d{10}$", rotated);
        Assert.Contains("triggering rotation to", File.ReadAllText(rotated));
        Assert.True(File.Exists(Path.Combine(host.Dir, "app.log")));
    }

    [PythonFact]
    public void Daemonize_LauncherExitsZero_DaemonPidInPidfile_AndServes()
    {
        using var host = new MasterHostProcess((h, o) => o with { Daemonize = Path.Combine(h.Dir, "daemon.log") }).Start();
        Assert.Equal(0, host.WaitForExit());
        int daemon = int.Parse(File.ReadAllText(host.PidfilePath).Trim());
        try
        {
            Assert.NotEqual(host.Pid, daemon);
            host.WaitServing(daemon: true);
            Assert.Contains("spawned uWSGI master process", File.ReadAllText(Path.Combine(host.Dir, "daemon.log")));
            Assert.Equal(daemon, int.Parse(File.ReadAllText($"/proc/{daemon}/stat").Split(' ')[5])); // session leader: setsid()
            Assert.Equal(0, ControlCommands.Stop(host.PidfilePath, TextWriter.Null));
            Wait.Until(() => !RecordingLauncher.IsAlive(daemon), "the daemon to stop");
        }
        finally { Libc.Kill(daemon, Signals.SIGKILL); }
    }

    [RootFact]
    public void UidGid_DropsMasterAndWorkers_AfterBindingSockets()
    {
        using var host = new MasterHostProcess((_, o) => o with { Uid = "nobody", Gid = "nogroup" });
        File.SetUnixFileMode(host.Dir, (UnixFileMode)0b111_101_101); // 0755: nobody reads the app
        File.SetUnixFileMode(host.OptionsFile, (UnixFileMode)0b110_100_100);
        host.Start().WaitServing();
        host.WaitLogged("setgid() to 65534"); // serving may be seen before these lines are read
        host.WaitLogged("setuid() to 65534");
        host.Until(() => host.WorkerPids().Count == 2, "both workers");
        foreach (int pid in host.WorkerPids().Append(host.Pid))
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            Assert.StartsWith("Uid:\t65534", status.Single(l => l.StartsWith("Uid:")));
            Assert.Equal("Groups:\t65534", status.Single(l => l.StartsWith("Groups:")).TrimEnd());
        }
    }

    [PythonFact]
    public void SecondSigterm_StopsAtOnce_CuttingTheRequestInFlight()
    {
        using var host = new MasterHostProcess((_, o) => o with { Processes = 1 }).Start().WaitServing();
        var stuck = Task.Run(() => host.Get("/sleep?s=60"));
        host.WaitInFlight("GET /sleep?s=60");
        Libc.Kill(host.Pid, Signals.SIGTERM);
        Wait.Until(() => host.Logged("graceful shutdown triggered by SIGTERM"), "the graceful stop");
        Libc.Kill(host.Pid, Signals.SIGTERM);
        int code = host.WaitForExit();
        Assert.True(code == 0, $"exit {code}:\n{string.Join("\n", host.Output)}");
        Assert.True(host.Logged("SIGTERM received...killing workers..."));
        Assert.ThrowsAny<Exception>(() => stuck.GetAwaiter().GetResult());
    }
}
