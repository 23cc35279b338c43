// The busyness algorithm's multiplier as uWSGI's cheaper_busyness moves it: workers spawned again
// soon after a cheap add cheaper-busyness-penalty to it, emergency (backlog) workers are cheaped
// after cheaper-overload × cheaper-busyness-backlog-multiplier seconds, and cheaper-busyness-verbose
// logs every sample through the master.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Master.Cheaper;
using DotnetWsgi.Manager.Tests.Support;

namespace DotnetWsgi.Manager.Tests.Master;

public sealed class CheaperBusynessPenaltyTests
{
    private static CheaperSample Busy => new(3, 3, 0, 0.9);
    private static CheaperSample Quiet => new(3, 0, 0, 0.05);

    /// <summary>Quiet seconds until the algorithm cheaps (it must within limit).</summary>
    private static int SecondsToCheap(BusynessAlgorithm algo, int limit = 100)
    {
        for (int second = 1; second <= limit; second++)
            if (algo.Decide(Quiet) == -1) return second;
        throw new Xunit.Sdk.XunitException($"no cheap within {limit} quiet seconds");
    }

    [Fact]
    public void Penalty_GrowsTheMultiplier_WhenWorkersComeBackSoonAfterACheap_AndACheapAfterACheapTakesOneOff()
    {
        var algo = new BusynessAlgorithm(new ServerOptions { CheaperOverload = 1, CheaperBusynessMultiplier = 2, CheaperBusynessPenalty = 3 });
        Assert.Equal(1, algo.Decide(Busy)); // no cheap yet: no penalty
        Assert.Equal(2, algo.Multiplier);
        Assert.Equal(2, SecondsToCheap(algo));

        Assert.Equal(1, algo.Decide(Busy)); // one second after the cheap: too fast
        Assert.Equal(5, algo.Multiplier);
        Assert.Contains("[busyness] worker(s) respawned too fast, increasing cheaper multiplier to 5 (+3)", algo.TakeNotes());
        Assert.Equal(5, SecondsToCheap(algo)); // the next cheap waits overload × 5

        Assert.Equal(5, SecondsToCheap(algo)); // a cheap right after a cheap: one off (after this cheap)
        Assert.Equal(4, algo.Multiplier);
        Assert.Contains("[busyness] decreasing cheaper multiplier to 4", algo.TakeNotes());
        Assert.Equal(4, SecondsToCheap(algo));
        Assert.Equal(3, algo.Multiplier);
    }

    [Fact]
    public void Spawn_LongAfterTheLastCheap_TakesOneOffTheMultiplier_DownToItsInitialValue()
    {
        var algo = new BusynessAlgorithm(new ServerOptions { CheaperOverload = 1, CheaperBusynessMultiplier = 1, CheaperBusynessPenalty = 2 });
        Assert.Equal(1, SecondsToCheap(algo));
        Assert.Equal(1, algo.Decide(Busy));
        Assert.Equal(3, algo.Multiplier); // respawned within 1 × 1 s
        for (int second = 0; second < 5; second++) Assert.Equal(0, algo.Decide(new CheaperSample(3, 1, 0, 0.4))); // between min and max
        Assert.Equal(1, algo.Decide(Busy));
        Assert.Equal(2, algo.Multiplier);
        for (int second = 0; second < 5; second++) algo.Decide(new CheaperSample(3, 1, 0, 0.4));
        Assert.Equal(1, algo.Decide(Busy));
        Assert.Equal(1, algo.Decide(Busy));
        Assert.Equal(1, algo.Multiplier); // never below cheaper-busyness-multiplier
    }

    [Fact]
    public void NoRoom_SpawnsNothing_AndChargesNoPenalty()
    {
        var algo = new BusynessAlgorithm(new ServerOptions { CheaperOverload = 1, CheaperBusynessMultiplier = 2 });
        Assert.Equal(2, SecondsToCheap(algo));
        Assert.Equal(0, algo.Decide(Busy with { Room = 0 }));
        Assert.Equal(2, algo.Multiplier);
        Assert.Equal(0, algo.Decide(new CheaperSample(3, 0, 50, 0.05, Room: 0))); // a backlog alert with no room either
        Assert.Equal(0, algo.EmergencyWorkers);
    }

    [Fact]
    public void EmergencyWorkers_AreCheapedAfterTheBacklogMultiplier_AndResetTheMultiplier()
    {
        var algo = new BusynessAlgorithm(new ServerOptions
        {
            CheaperOverload = 2, CheaperBusynessMultiplier = 10, CheaperBusynessPenalty = 5,
            CheaperBusynessBacklogMultiplier = 2, CheaperBusynessBacklogAlert = 5, CheaperBusynessBacklogStep = 2,
        });
        algo.Decide(Busy);
        Assert.Equal(20, SecondsToCheap(algo));
        Assert.Equal(0, algo.Decide(Busy));
        Assert.Equal(1, algo.Decide(Busy)); // overload 2: busy for 2 s, 2 s after the cheap
        Assert.Equal(15, algo.Multiplier); // penalised
        Assert.Equal(2, algo.Decide(new CheaperSample(3, 3, 6, 0.9)));
        Assert.Equal(ScalingReason.Backlog, algo.SpawnReason);
        Assert.Equal(10, algo.Multiplier); // back to cheaper-busyness-multiplier
        Assert.Equal(2, algo.EmergencyWorkers);
        Assert.Equal(4, SecondsToCheap(algo)); // overload 2 × backlog multiplier 2
        Assert.Equal(4, SecondsToCheap(algo));
        Assert.Equal(0, algo.EmergencyWorkers);
        Assert.Equal(20, SecondsToCheap(algo)); // ordinary workers again: overload 2 × multiplier 10
    }

    [Fact]
    public void NeverCheapsAtTheCheaperFloor()
    {
        var algo = new BusynessAlgorithm(new ServerOptions { Cheaper = 2, CheaperOverload = 1, CheaperBusynessMultiplier = 1 });
        for (int second = 0; second < 10; second++) Assert.Equal(0, algo.Decide(new CheaperSample(2, 0, 0, 0)));
        Assert.Equal(-1, algo.Decide(new CheaperSample(3, 0, 0, 0)));
    }

    [Fact]
    public void Verbose_LogsEverySamplesFigures_ThroughTheMaster()
    {
        var options = new ServerOptions { Processes = 4, Cheaper = 1, CheaperInitial = 2, CheaperOverload = 1, CheaperAlgo = "busyness", CheaperBusynessVerbose = true };
        using var h = new MasterHarness(options);
        Assert.True(h.Log.Contains("[busyness] settings: min=25%, max=50%, overload=1, multiplier=10, respawn penalty=2"));
        h.ReadyAll();
        h.Time.Advance(TimeSpan.FromSeconds(1));
        h.Master.Tick();
        Assert.True(h.Log.Contains("[busyness] average busyness of 2 worker(s) is at 0%, backlog 0, multiplier 10, 0 emergency worker(s)"));
        Assert.True(h.Log.Contains("more second(s) to cheap a worker"));
    }

    [Fact]
    public void NotVerbose_LogsNoSampleLines()
    {
        var options = new ServerOptions { Processes = 4, Cheaper = 1, CheaperInitial = 2, CheaperOverload = 1, CheaperAlgo = "busyness" };
        using var h = new MasterHarness(options);
        h.ReadyAll();
        h.Time.Advance(TimeSpan.FromSeconds(1));
        h.Master.Tick();
        Assert.False(h.Log.Contains("[busyness] average busyness"));
        Assert.False(h.Log.Contains("need to wait"));
    }
}
