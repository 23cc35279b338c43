// The cheaper options uWSGI 2.0.21 knows: the implemented ones reach ServerOptions, the others
// (`idle`) are accepted with an "ignored" warning rather than rejected as unknown.

using DotnetWsgi.Config.Tests.Support;

namespace DotnetWsgi.Config.Tests.Options;

public sealed class CheaperOptionsTests : IDisposable
{
    private readonly TestConfig _config = new();

    public void Dispose() => _config.Dispose();

    [Fact]
    public void BusynessOptions_ReachServerOptions()
    {
        var o = _config.Options("[uwsgi]\nsocket = :1\nmodule = app\ncheaper-busyness-multiplier = 4\ncheaper-busyness-backlog-alert = 7\n"
            + "cheaper-busyness-backlog-step = 2\ncheaper-busyness-backlog-nonzero = 9\n");
        Assert.Equal((4, 7, 2, 9), (o.CheaperBusynessMultiplier, o.CheaperBusynessBacklogAlert, o.CheaperBusynessBacklogStep, o.CheaperBusynessBacklogNonzero));
    }

    [Theory]
    [InlineData("idle = 30")]
    public void NotImplementedOptions_AreIgnoredWithAWarning(string line)
    {
        _config.Write("t.ini", "[uwsgi]\nsocket = :1\nmodule = app\n" + line + "\n");
        var result = _config.Load("t.ini");
        Assert.True(result.Succeeded, TestConfig.Lines(result));
        Assert.Contains(line.Split(' ')[0], TestConfig.Lines(result));
    }
}
