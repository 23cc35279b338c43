using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Serving;

namespace DotnetWsgi.Worker.Tests.Serving;

public sealed class RecyclePolicyTests
{
    private sealed class FakeTime : TimeProvider
    {
        public long Ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Ticks;
        public void Advance(TimeSpan by) => Ticks += by.Ticks;
    }

    private static RecyclePolicy Policy(ServerOptions o, FakeTime time, (long, long)? memory = null)
        => new(o, time, () => memory, new Random(7));

    [Fact]
    public void Check_WaitsForMinWorkerLifetime_BeforeMaxRequests()
    {
        var time = new FakeTime();
        var policy = Policy(new ServerOptions { MaxRequests = 3, MinWorkerLifetime = 10 }, time);

        var young = policy.Check(5);
        time.Advance(TimeSpan.FromSeconds(10));
        var old = policy.Check(5);

        Assert.Null(young);
        Assert.Contains("max-requests", old);
        Assert.Null(policy.Check(2));
    }

    [Fact]
    public void MaxRequests_AddsAJitterWithinMaxRequestsDelta()
    {
        var values = Enumerable.Range(0, 50)
            .Select(i => new RecyclePolicy(new ServerOptions { MaxRequests = 100, MaxRequestsDelta = 10 }, new FakeTime(), () => null, new Random(i)).MaxRequests)
            .ToList();

        Assert.All(values, v => Assert.InRange(v, 100, 110));
        Assert.True(values.Distinct().Count() > 1);
    }

    [Fact]
    public void Check_RecyclesOnRssAndAs_OverTheirLimits()
    {
        var time = new FakeTime();
        const long mb = 1024 * 1024;

        var rss = Policy(new ServerOptions { ReloadOnRss = 100, MinWorkerLifetime = 0 }, time, (50 * mb, 101 * mb)).Check(1);
        var under = Policy(new ServerOptions { ReloadOnRss = 100, MinWorkerLifetime = 0 }, time, (500 * mb, 99 * mb)).Check(1);
        var vsz = Policy(new ServerOptions { ReloadOnAs = 200, MinWorkerLifetime = 0 }, time, (201 * mb, 1 * mb)).Check(1);

        Assert.Contains("reload-on-rss", rss);
        Assert.Null(under);
        Assert.Contains("reload-on-as", vsz);
    }

    [Fact]
    public void Enabled_IsFalse_WithoutAnyLimit()
    {
        Assert.False(Policy(new ServerOptions(), new FakeTime()).Enabled);
    }
}
