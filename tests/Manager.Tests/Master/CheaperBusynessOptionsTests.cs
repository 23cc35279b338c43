// The busyness algorithm's uWSGI options: cheaper-busyness-multiplier delays cheaping, and the
// backlog options spawn emergency workers whatever the busyness.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Master.Cheaper;

namespace DotnetWsgi.Manager.Tests.Master;

public sealed class CheaperBusynessOptionsTests
{
    private static CheaperSample Idle(long backlog = 0) => new(2, 0, backlog, 0.05);

    [Fact]
    public void Multiplier_CheapsOnlyAfterOverloadTimesMultiplierSecondsBelowTheMinimum()
    {
        var algo = new BusynessAlgorithm(new ServerOptions { CheaperOverload = 2, CheaperBusynessMultiplier = 3 });
        for (int second = 1; second < 6; second++) Assert.Equal(0, algo.Decide(Idle()));
        Assert.Equal(-1, algo.Decide(Idle()));
        Assert.Equal(ScalingReason.NotBusy, algo.CheapReason);
    }

    [Fact]
    public void DefaultMultiplier_IsUwsgisTen()
        => Assert.Equal(10, new ServerOptions().CheaperBusynessMultiplier);

    [Fact]
    public void BacklogAlert_SpawnsTheBacklogStepAtOnce_EvenWhenIdle()
    {
        var algo = new BusynessAlgorithm(new ServerOptions { CheaperOverload = 1, CheaperBusynessBacklogAlert = 5, CheaperBusynessBacklogStep = 3, CheaperBusynessBacklogNonzero = 100 });
        Assert.Equal(0, algo.Decide(Idle(backlog: 5)));
        Assert.Equal(3, algo.Decide(Idle(backlog: 6)));
        Assert.Equal(ScalingReason.Backlog, algo.SpawnReason);
        Assert.Equal(1, algo.Decide(new CheaperSample(2, 2, 0, 0.9)));
        Assert.Equal(ScalingReason.Busy, algo.SpawnReason);
    }

    [Fact]
    public void BacklogNonzero_SpawnsWhenTheQueueStaysNonEmpty_AndANonEmptyQueueNeverCheaps()
    {
        var algo = new BusynessAlgorithm(new ServerOptions { CheaperOverload = 1, CheaperBusynessMultiplier = 1, CheaperBusynessBacklogMultiplier = 1, CheaperBusynessBacklogNonzero = 3 });
        Assert.Equal(0, algo.Decide(Idle(backlog: 1)));
        Assert.Equal(0, algo.Decide(Idle(backlog: 1)));
        Assert.Equal(1, algo.Decide(Idle(backlog: 1)));
        Assert.Equal(ScalingReason.Backlog, algo.SpawnReason);
        Assert.Equal(-1, algo.Decide(Idle()));
    }
}
