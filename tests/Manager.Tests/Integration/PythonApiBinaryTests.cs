// uWSGI's Python API end to end: an app using Debian's uwsgidecorators unchanged, through the
// published binary with two workers, a mule and a spooler; every effect is observed (files written
// by the postfork hooks, the timer, the cron handler, the spooled job and the mule; a cache value
// written through one worker and read through the other).

using DotnetWsgi.Manager.Control;
using DotnetWsgi.Manager.Tests.Support;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Integration;

[Collection("real processes")]
public class PythonApiBinaryTests
{
    [BinaryFact]
    public void Decorators_PostforkTimerLockSpoolMulefunc_AndTheCacheAcrossWorkers()
    {
        using var dn = new PythonApiInstance().WaitServing();
        Assert.Equal("hello", dn.Get("/opt").GetProperty("custom").GetString());

        // @postfork ran once in each worker (and in the mule and the spooler, worker id 0), as uWSGI.
        Wait.Until(() => Directory.GetFiles(dn.Out, "postfork-1-*").Length == 1 && Directory.GetFiles(dn.Out, "postfork-2-*").Length == 1, "the postfork hooks");

        // The cache: set through one worker, read through the other.
        var set = dn.Get("/set?colour=blue");
        Assert.True(set.GetProperty("stored").GetBoolean());
        int writer = set.GetProperty("worker").GetInt32();
        var read = dn.GetFromAnotherWorker("/get?colour", writer);
        Assert.Equal("blue", read.GetProperty("value").GetString());

        // @lock, @spool (run by the spooler, then the job file is gone), @mulefunc (run in mule 1).
        dn.Get("/lock?first");
        Assert.Equal("first\n", File.ReadAllText(dn.OutFile("locked")));
        dn.Get("/spool?j1");
        Wait.Until(() => File.Exists(dn.OutFile("job-j1")), "the spooled job");
        Assert.Equal("{\"name\": \"j1\", \"spooler\": true}", File.ReadAllText(dn.OutFile("job-j1")));
        Wait.Until(() => Directory.GetFiles(dn.SpoolDir).Length == 0, "the done job's file to be removed");
        dn.Get("/mule?m1");
        Wait.Until(() => File.Exists(dn.OutFile("mule-m1")) && File.ReadAllText(dn.OutFile("mule-m1")).Length > 0, "the mule function");
        Assert.StartsWith("1 ", File.ReadAllText(dn.OutFile("mule-m1")));

        // @timer(1): once per second for the whole instance, in a worker (not once per worker).
        Wait.Until(() => TimerLines(dn).Count >= 5, "five timer signals");
        var lines = TimerLines(dn);
        double span = double.Parse(lines[^1][2]) - double.Parse(lines[0][2]);
        Assert.True(lines.Count - 1 <= span + 1.5, $"{lines.Count} timer runs in {span:0.0} s: more than one per second");
        Assert.All(lines, l => Assert.Contains(l[1], (string[])["1", "2"]));
    }

    private static List<string[]> TimerLines(PythonApiInstance dn)
        => File.Exists(dn.OutFile("timer"))
            ? File.ReadAllLines(dn.OutFile("timer")).Where(l => l.Length > 0).Select(l => l.Split(' ')).ToList()
            : [];

    [BinaryFact]
    public void Cache_SurvivesAGracefulReload_AndTheMuleIsReplaced()
    {
        using var dn = new PythonApiInstance().WaitServing();
        Assert.True(dn.Get("/set?kept=yes").GetProperty("stored").GetBoolean());
        dn.Until(() => dn.WorkerPids().Count == 2 && dn.MulePids(1).Count == 1, "two workers and the mule");
        var before = dn.WorkerPids();
        int oldMule = dn.MulePids(1).Single();
        Assert.Equal(0, ControlCommands.Reload(dn.PidfilePath, TextWriter.Null));
        dn.Until(() => dn.WorkerPids() is { Count: 2 } now && !now.Overlaps(before) && !before.Any(ProcessTree.IsAlive), "a new generation of workers", TimeSpan.FromSeconds(90));
        Assert.DoesNotContain(dn.Get("/get?kept").GetProperty("pid").GetInt32(), before);
        Assert.Equal("yes", dn.Get("/get?kept").GetProperty("value").GetString());
        Wait.Until(() => dn.MulePids(1) is { Count: 1 } mules && !mules.Contains(oldMule), "the old mule replaced");
        int newMule = dn.MulePids(1).Single();
        Wait.Until(() =>
        {
            dn.Get("/mule?reloaded");
            return File.Exists(dn.OutFile("mule-reloaded")) && File.ReadAllText(dn.OutFile("mule-reloaded")).Length > 0;
        }, "the new mule to run a function");
        Assert.EndsWith($" {newMule}", File.ReadAllText(dn.OutFile("mule-reloaded")));
    }

    [BinaryFact]
    public void AWorkerKilledWhileHoldingTheLock_DoesNotLeaveItHeld()
    {
        using var dn = new PythonApiInstance().WaitServing();
        Assert.ThrowsAny<Exception>(() => dn.Get("/die-holding-lock"));
        Wait.Until(() => { try { dn.Get("/lock?after"); return true; } catch (HttpRequestException) { return false; } }, "a locked call after the holder died");
        Assert.Equal("after\n", File.ReadAllText(dn.OutFile("locked")));
    }

    [BinaryFact]
    public void AKilledMule_IsRestarted_AndTakesMessagesAgain()
    {
        using var dn = new PythonApiInstance().WaitServing();
        Wait.Until(() => dn.Count("mule 1 ready") == 1, "the mule");
        Wait.Until(() => dn.MulePids(1).Count == 1, "the mule process");
        int mule = dn.MulePids(1).Single();
        Libc.Kill(mule, Signals.SIGKILL);
        Wait.Until(() => dn.MulePids(1) is { Count: 1 } mules && !mules.Contains(mule) && dn.Count("mule 1 ready") >= 2, "the mule restarted");
        Wait.Until(() =>
        {
            dn.Get("/mule?again");
            return File.Exists(dn.OutFile("mule-again"));
        }, "the restarted mule to run a function");
    }

    [BinaryFact]
    public void Cron_EveryMinute_RunsInEveryWorker()
    {
        using var dn = new PythonApiInstance().WaitServing();
        Wait.Until(() => File.Exists(dn.OutFile("cron-1")) && File.Exists(dn.OutFile("cron-2")), "the cron signal in both workers", TimeSpan.FromSeconds(90));
    }

    [BinaryFact]
    public void SetLogvar_IsWrittenByLogFormat_ForThatRequestOnly()
    {
        using var dn = new PythonApiInstance("log-format = LOGVAR %(uri) %(who)").WaitServing();
        Assert.Equal("alice", dn.Get("/logvar?alice").GetProperty("who").GetString());
        dn.Get("/opt?after");
        Wait.Until(() => dn.Count("LOGVAR /logvar?alice alice") == 1 && dn.Count("LOGVAR /opt?after -") == 1, "both request lines");
    }

    [BinaryFact]
    public void StatsServer_ListsTheCaches()
    {
        int statsPort = Repo.FreePort();
        using var dn = new PythonApiInstance($"stats = 127.0.0.1:{statsPort}").WaitServing();
        dn.Get("/set?a=1");
        dn.Get("/get?a");
        dn.Get("/get?missing");
        var caches = StatsReader.Read(statsPort).GetProperty("caches");
        var shared = Assert.Single(caches.EnumerateArray());
        Assert.Equal("shared", shared.GetProperty("name").GetString());
        Assert.Equal(100, shared.GetProperty("max_items").GetInt32());
        Assert.Equal(128, shared.GetProperty("blocksize").GetInt32());
        Assert.Equal(1, shared.GetProperty("items").GetInt32());
        Assert.Equal(1, shared.GetProperty("hits").GetInt32());
        Assert.Equal(1, shared.GetProperty("miss").GetInt32());
    }
}
