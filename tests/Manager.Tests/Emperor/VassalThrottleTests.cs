// The restart throttle with a fake clock: early deaths double the wait up to the maximum, a loyal
// run (or a changed file) starts over.

using DotnetWsgi.Manager.Emperor;

namespace DotnetWsgi.Manager.Tests.Emperor;

public class VassalThrottleTests
{
    private readonly ManualTime _time = new();
    private readonly VassalThrottle _throttle = new(TimeSpan.FromMilliseconds(1000), TimeSpan.FromMilliseconds(5000));

    private DateTimeOffset DiesAfter(TimeSpan ran)
    {
        var started = _time.GetUtcNow();
        _time.Advance(ran);
        return _throttle.OnExit(started, _time.GetUtcNow());
    }

    [Fact]
    public void EarlyDeaths_DoubleTheWait_UpToTheMaximum()
    {
        var waits = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            var next = DiesAfter(TimeSpan.FromMilliseconds(200));
            waits.Add((next - _time.GetUtcNow()).TotalMilliseconds);
            _time.Advance(next - _time.GetUtcNow());
        }
        Assert.Equal([1000, 2000, 4000, 5000, 5000], waits);
        Assert.Equal(5, _throttle.EarlyDeaths);
    }

    [Fact]
    public void ALoyalRun_RestartsAtOnce_AndStartsTheThrottleOver()
    {
        DiesAfter(TimeSpan.FromMilliseconds(100));
        DiesAfter(TimeSpan.FromMilliseconds(100));
        Assert.Equal(TimeSpan.FromMilliseconds(2000), _throttle.Level);
        var next = DiesAfter(VassalThrottle.LoyalAfter);
        Assert.Equal(_time.GetUtcNow(), next);
        Assert.Equal(TimeSpan.Zero, _throttle.Level);
        Assert.Equal(0, _throttle.EarlyDeaths);
        var again = DiesAfter(TimeSpan.FromSeconds(1));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMilliseconds(1000), again);
    }

    [Fact]
    public void Reset_MakesTheNextEarlyDeathWaitTheFirstLevel()
    {
        DiesAfter(TimeSpan.Zero);
        DiesAfter(TimeSpan.Zero);
        _throttle.Reset();
        var next = DiesAfter(TimeSpan.Zero);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMilliseconds(1000), next);
    }
}
