// The published binary with the real worker and the Python host: the master's contract end to end.

using DotnetWsgi.Manager.Control;
using DotnetWsgi.Manager.Tests.Support;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Integration;

[Collection("real processes")]
public class BinaryTests
{
    [BinaryFact]
    public void StopAndReload_ThroughPidfile_WorkAndVacuumLeavesNoFiles()
    {
        using var dn = new BinaryInstance(2, "vacuum = true", "master-fifo = fifo0").WaitServing();
        var before = dn.WorkerPids();
        Assert.Equal(0, ControlCommands.Reload(dn.PidfilePath, TextWriter.Null));
        dn.Until(() => dn.WorkerPids().Count == 2 && !dn.WorkerPids().Overlaps(before), "a new generation");
        Assert.NotEmpty(dn.Get("/pid"));
        Assert.Equal(0, ControlCommands.Stop(dn.PidfilePath, TextWriter.Null));
        Assert.Equal(0, dn.WaitForExit());
        Assert.False(File.Exists(dn.PidfilePath));
        Assert.False(File.Exists(Path.Combine(dn.Dir, "fifo0")));
    }

    [BinaryFact]
    public void ChainReload_OfFourWorkersUnderLoad_HasZeroFailures_AndChangesEveryPid()
    {
        using var dn = new BinaryInstance(4, "master-fifo = fifo0").WaitServing();
        dn.Until(() => dn.WorkerPids().Count == 4, "four workers");
        var before = dn.WorkerPids();
        using var load = new LoadGenerator(dn.Port, "/pid");
        Wait.Until(() => load.Answered > 10, "requests before the reload");
        File.WriteAllText(Path.Combine(dn.Dir, "fifo0"), "c");
        Wait.Until(() => dn.Logged("chain reloading complete"), "the chain reload", TimeSpan.FromSeconds(120));
        int ok = load.Answered;
        Wait.Until(() => load.Answered > ok + 10, "requests after the reload");
        load.StopAndAssertNoneFailed();
        dn.Until(() => !dn.WorkerPids().Overlaps(before) && dn.WorkerPids().Count == 4, "every old worker to be gone");
    }

    [BinaryFact]
    public void ChainReload_OntoCodeThatFailsToImport_KeepsServing()
    {
        using var dn = new BinaryInstance(2, "master-fifo = fifo0").WaitServing();
        // Both workers must have imported the app before it is broken: one still importing would
        // fail, be respawned with a growing delay, and hold the chain reload behind it.
        dn.Until(() => dn.Output.Count(l => l.Contains("WSGI app 0") && l.Contains("ready")) == 2, "both workers' apps to load");
        File.AppendAllText(dn.AppFile, "\nimport no_such_module_xyz\n");
        File.WriteAllText(Path.Combine(dn.Dir, "fifo0"), "c");
        dn.Until(() => dn.Logged("the previous workers keep serving"), "the chain reload to give up"); // on a timeout: the run dir, the children, the output
        Assert.Equal("v1", dn.Get("/version"));
    }

    [BinaryFact]
    public void Harakiri_CutsALongRequest_AndTheServiceAnswersAfter()
    {
        using var dn = new BinaryInstance(1, "harakiri = 2").WaitServing();
        Assert.ThrowsAny<Exception>(() => dn.Get("/sleep?s=30"));
        Wait.Until(() => dn.Logged("HARAKIRI ON WORKER 1"), "the harakiri");
        Wait.Until(() => { try { dn.Get("/pid"); return true; } catch (HttpRequestException) { return false; } }, "an answer after the harakiri");
    }

    [BinaryFact]
    public void MaxRequests_RecyclesWithZeroFailures()
    {
        using var dn = new BinaryInstance(2, "max-requests = 5", "min-worker-lifetime = 0").WaitServing();
        // A worker past max-requests serves on until its replacement accepts (replace before retire),
        // so the new pids appear as replacements boot: request (every answer must succeed) until they do.
        var pids = new HashSet<string>();
        Wait.Until(() => { pids.Add(dn.Get("/pid")); return pids.Count >= 4; }, "four worker pids with max-requests = 5");
    }

    [BinaryFact]
    public void KilledWorker_UnderLoad_IsRespawned()
    {
        using var dn = new BinaryInstance(2).WaitServing();
        using var load = new LoadGenerator(dn.Port, "/pid", clients: 1);
        dn.Until(() => dn.WorkerPids().Count == 2, "two workers");
        dn.Until(() => load.Answered > 5, "five answers to the load");
        int victim = dn.WorkerPids().First();
        Libc.Kill(victim, Signals.SIGKILL);
        dn.Until(() => dn.Logged($"DAMN ! worker") && dn.WorkerPids().Count == 2, "the respawn");
        int ok = load.Answered;
        Wait.Until(() => load.Answered > ok + 5, "requests after the respawn");
    }

    [BinaryFact]
    public void KillMaster_WithSigkill_LeavesNoWorkerAfterTwoSeconds()
    {
        using var dn = new BinaryInstance(2).WaitServing();
        dn.Until(() => dn.WorkerPids().Count == 2, "two workers");
        var workers = dn.WorkerPids();
        Libc.Kill(dn.Pid, Signals.SIGKILL);
        Wait.Until(() => workers.All(p => !RecordingLauncher.IsAlive(p)), "the orphaned workers to exit", TimeSpan.FromSeconds(2));
    }

    [BinaryFact]
    public void RunDirectory_OfAMasterKilledWithSigkill_IsRemovedWhenTheNextMasterStarts()
    {
        string left;
        using (var killed = new BinaryInstance(1).WaitServing())
        {
            left = killed.RunDirs().Single();
            Libc.Kill(killed.Pid, Signals.SIGKILL);
            killed.WaitForExit();
        }
        // Nothing can clean up after SIGKILL, so without the sweep the directory would stay for good
        // (a master of a test running beside this one may be the one that removes it: also the sweep).
        using var next = new BinaryInstance(1).WaitServing();
        Assert.False(Directory.Exists(left));
        Assert.True(Directory.Exists(next.RunDirs().Single()));
    }

    [BinaryFact]
    public void Sigterm_WithARequestInFlight_CompletesItAndExitsZero()
    {
        using var dn = new BinaryInstance(1).WaitServing();
        var inFlight = Task.Run(() => dn.Get("/sleep?s=3"));
        dn.WaitInFlight("GET /sleep?s=3");
        Libc.Kill(dn.Pid, Signals.SIGTERM);
        Assert.Equal(0, dn.WaitForExit());
        Assert.Matches("^[0-9]+$", inFlight.Result);
    }

    [BinaryFact]
    public void CtrlC_SigintToTheWholeProcessGroup_FinishesTheRequestInFlight()
    {
        using var dn = new BinaryInstance(1, newProcessGroup: true).WaitServing();
        var inFlight = Task.Run(() => dn.Get("/sleep?s=3"));
        dn.WaitInFlight("GET /sleep?s=3");
        Assert.Equal(0, Libc.Kill(-dn.Pid, Signals.SIGINT)); // what a terminal's Ctrl-C does: the whole foreground group
        Assert.Equal(0, dn.WaitForExit());
        Assert.Matches("^[0-9]+$", inFlight.Result);
    }

    [BinaryFact]
    public void LimitAs_RecyclesAWorkerGrownOverTheCap_WithoutTakingTheServiceDown()
    {
        using var dn = new BinaryInstance(1, "limit-as = 160").WaitServing();
        dn.Until(() => dn.WorkerPids().Count == 1, "the worker");
        int big = dn.WorkerPids().Single();
        dn.Get("/alloc?mb=200"); // resident: baseline + 200 MB, above 160 and below twice 160
        Wait.Until(() => !RecordingLauncher.IsAlive(big), "the worker over limit-as to be recycled");
        // The master's output is read asynchronously: wait for the line, never assert it right after the death.
        Wait.Until(() => dn.Logged("over limit-as 160 MB: recycling it") || dn.Logged("twice its limit-as"), "the limit-as line");
        Wait.Until(() => { try { return dn.Get("/pid") != big.ToString(); } catch (HttpRequestException) { return false; } }, "a new worker answering");
    }
}
