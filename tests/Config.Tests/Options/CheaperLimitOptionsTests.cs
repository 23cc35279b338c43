// cheaper-busyness-penalty, -backlog-multiplier, -verbose and cheaper-rss-limit-soft/-hard reach
// ServerOptions from an ini, with uWSGI's defaults when absent, and without an "ignored" warning.

using DotnetWsgi.Config.Tests.Support;

namespace DotnetWsgi.Config.Tests.Options;

public sealed class CheaperLimitOptionsTests : IDisposable
{
    private readonly TestConfig _config = new();

    public void Dispose() => _config.Dispose();

    [Fact]
    public void PenaltyBacklogMultiplierVerboseAndRssLimits_ReachServerOptions_WithoutWarnings()
    {
        _config.Write("t.ini", "[uwsgi]\nsocket = :1\nmodule = app\ncheaper-busyness-penalty = 4\ncheaper-busyness-backlog-multiplier = 5\n"
            + "cheaper-busyness-verbose = true\ncheaper-rss-limit-soft = 100000000\ncheaper-rss-limit-hard = 200000000\n");
        var result = _config.Load("t.ini");
        Assert.True(result.Succeeded, TestConfig.Lines(result));
        Assert.DoesNotContain("cheaper", TestConfig.Lines(result));
        var o = _config.Options("[uwsgi]\nsocket = :1\nmodule = app\ncheaper-busyness-penalty = 4\ncheaper-busyness-backlog-multiplier = 5\n"
            + "cheaper-busyness-verbose = true\ncheaper-rss-limit-soft = 100000000\ncheaper-rss-limit-hard = 200000000\n");
        Assert.Equal((4, 5, true, 100_000_000L, 200_000_000L),
            (o.CheaperBusynessPenalty, o.CheaperBusynessBacklogMultiplier, o.CheaperBusynessVerbose, o.CheaperRssLimitSoft, o.CheaperRssLimitHard));
    }

    [Fact]
    public void Defaults_AreUwsgis()
    {
        var o = _config.Options("[uwsgi]\nsocket = :1\nmodule = app\n");
        Assert.Equal((2, 3, false, 0L, 0L),
            (o.CheaperBusynessPenalty, o.CheaperBusynessBacklogMultiplier, o.CheaperBusynessVerbose, o.CheaperRssLimitSoft, o.CheaperRssLimitHard));
    }
}
