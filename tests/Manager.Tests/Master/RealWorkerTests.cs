// The master with real worker processes (the stand-in worker), real sockets and real signals.

using DotnetWsgi.Config;
using DotnetWsgi.Manager.Master;
using DotnetWsgi.Manager.Tests.Support;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Master;

[Collection("real processes")]
public class RealWorkerTests
{
    [PythonFact]
    public void ChainReload_ReplacesEveryWorker_WithZeroFailedRequestsUnderLoad()
    {
        using var m = new StandInMaster(o => o with { Processes = 4 });
        m.WaitAccepting(4);
        var before = m.AcceptingPids();
        using var load = new LoadGenerator(m.Port, "/pid");
        Wait.Until(() => load.Answered > 10, "requests before the reload");
        m.Enqueue(MasterCommand.ChainReload);
        Wait.Until(() => m.Log.Contains("chain reloading complete"), "chain reload to complete", TimeSpan.FromSeconds(90));
        int okAtEnd = load.Answered;
        Wait.Until(() => load.Answered > okAtEnd + 10, "requests after the reload");
        load.StopAndAssertNoneFailed();
        Assert.Empty(before.Intersect(m.AcceptingPids()));
        Assert.Equal(4, m.AcceptingPids().Count);
    }

    [PythonFact]
    public void ChainReload_KeepsOldWorkersServing_WhenNewCodeFailsToImport()
    {
        using var m = new StandInMaster(o => o with { Processes = 2 });
        m.WaitAccepting(2);
        var before = m.AcceptingPids();
        File.AppendAllText(m.AppFile, "\nimport no_such_module_xyz\n");
        m.Enqueue(MasterCommand.ChainReload);
        Wait.Until(() => m.Log.Contains("the previous workers keep serving"), "the chain reload to give up");
        Assert.Contains("v1", m.Get("/version"));
        Assert.Equal(before, m.AcceptingPids());
        Wait.Until(() => m.Log.Contains("OOPS ! failed loading app in worker"), "the load failure line");
    }

    [PythonFact]
    public void Harakiri_KillsStuckWorker_LogsItsStack_AndServiceAnswersAfter()
    {
        using var m = new StandInMaster(o => o with { Processes = 1, Harakiri = 2 });
        m.WaitAccepting(1);
        int stuck = m.AcceptingPids().Single();
        Assert.ThrowsAny<Exception>(() => m.Get("/sleep?s=30"));
        Wait.Until(() => !RecordingLauncher.IsAlive(stuck), "the stuck worker to die");
        Wait.Until(() => m.Log.Contains("HARAKIRI [core 0] GET /sleep?s=30"), "the harakiri line");
        Wait.Until(() => m.Log.Contains("in application"), "the Python stack in the log"); // faulthandler frame
        Wait.Until(() => m.Log.Contains($"DAMN ! worker 1 (pid: {stuck}) died, killed by signal 9"), "the death to be logged");
        m.WaitAccepting(1);
        Assert.NotEqual(stuck.ToString(), m.Get("/pid"));
    }

    [PythonFact]
    public void MaxRequests_RecyclesWorkers_WithZeroFailedRequests()
    {
        using var m = new StandInMaster(o => o with { Processes = 2, MaxRequests = 5 });
        m.WaitAccepting(2);
        var pids = new HashSet<string>();
        for (int i = 0; i < 40; i++) pids.Add(m.Get("/pid"));
        Assert.True(pids.Count >= 6, $"only {pids.Count} distinct workers served 40 requests");
        Wait.Until(() => m.Log.Contains("killed successfully"), "a recycled worker to be reaped");
    }

    [PythonFact]
    public void KilledWorker_IsRespawned_WhileServingLoad()
    {
        using var m = new StandInMaster(o => o with { Processes = 2 });
        m.WaitAccepting(2);
        using var load = new LoadGenerator(m.Port, "/pid", clients: 1);
        Wait.Until(() => load.Answered > 5, "requests before the kill");
        int victim = m.AcceptingPids().First();
        Libc.Kill(victim, Signals.SIGKILL);
        Wait.Until(() => m.Log.Contains($"DAMN ! worker") && m.Log.Contains("Respawned uWSGI worker"), "the respawn");
        Wait.Until(() => m.AcceptingWorkers() == 2 && !m.AcceptingPids().Contains(victim), "two accepting workers again");
        int ok = load.Answered;
        Wait.Until(() => load.Answered > ok + 5, "requests after the respawn");
    }

    [PythonFact]
    public void GracefulStop_CompletesInFlightRequest_ThenExitsZero()
    {
        using var m = new StandInMaster(o => o with { Processes = 1 });
        m.WaitAccepting(1);
        var inFlight = Task.Run(() => m.Get("/sleep?s=2"));
        Wait.Until(() => m.Board.Slot(1).Core(0).RequestStartMs != 0, "the request to start");
        m.Master.Enqueue(MasterCommand.GracefulStop, "SIGTERM");
        Assert.Equal(0, m.WaitForExit());
        Assert.True(inFlight.Wait(Wait.Deadline));
        Assert.Matches("^[0-9]+$", inFlight.Result);
        Assert.True(m.Log.Contains("worker 1 buried after"));
    }

    [PythonFact]
    public void GracefulReload_ServesNewCode_WithoutFailedRequests()
    {
        using var m = new StandInMaster(o => o with { Processes = 2 }, reload: o => new ConfigResult(o, []));
        m.WaitAccepting(2);
        Assert.Equal("v1", m.Get("/version"));
        using var load = new LoadGenerator(m.Port, "/version");
        File.WriteAllText(m.AppFile, File.ReadAllText(m.AppFile).Replace("VERSION = \"v1\"", "VERSION = \"v2\""));
        m.Enqueue(MasterCommand.GracefulReload);
        Wait.Until(() => load.Bodies.Contains("v2"), "the new code to answer");
        Wait.Until(() => m.Log.Contains("killed successfully") || m.Log.Contains("buried"), "the old workers to go");
        load.StopAndAssertNoneFailed();
        Wait.Until(() => m.Get("/version") == "v2" && m.Get("/version") == "v2", "only new workers answering");
    }

    [PythonFact]
    public void LimitAs_RecyclesWorkerOverTheCap_AndServiceStaysUp()
    {
        using var m = new StandInMaster(o => o with { Processes = 1, LimitAs = 64 });
        m.WaitAccepting(1);
        int big = m.AcceptingPids().Single();
        m.Get("/alloc?mb=80");
        Wait.Until(() => !RecordingLauncher.IsAlive(big), "the worker over limit-as to be recycled");
        Wait.Until(() => m.Log.Contains("over limit-as 64 MB: recycling it") || m.Log.Contains("twice its limit-as"), "the limit-as line");
        m.WaitAccepting(1);
        Assert.NotEqual(big.ToString(), m.Get("/pid"));
    }

    [PythonFact]
    public void MasterFifo_WorkersReload_ReplacesWorkers()
    {
        using var m = new StandInMaster(o => o with { Processes = 1 });
        m.WaitAccepting(1);
        int old = m.AcceptingPids().Single();
        string fifo = Path.Combine(m.Dir, "fifo0");
        using var control = new ControlFifo([fifo, Path.Combine(m.Dir, "fifo1")], m.Master.Enqueue, m.Log.CreateLogger());
        control.Start();
        File.WriteAllText(fifo, "w\n");
        Wait.Until(() => !m.AcceptingPids().Contains(old) && m.AcceptingWorkers() == 1, "the worker to be replaced");
        File.WriteAllText(fifo, "1");
        Wait.Until(() => Libc.IsFifo(Path.Combine(m.Dir, "fifo1")), "fifo slot 1 to be created");
        Wait.Until(() => m.Log.Contains($"active master fifo is now {Path.Combine(m.Dir, "fifo1")}"), "the fifo switch line");
    }
}
