using DotnetWsgi.Manager.PythonApi;
using DotnetWsgi.Native.PythonApi;
using Serilog;

namespace DotnetWsgi.Manager.Tests.Master;

public sealed class SignalTimersTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"signals-{Guid.NewGuid():N}");
    private readonly SignalTable _table;
    private readonly SignalTimers _timers;
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 10, 0, 30, TimeSpan.Zero);

    public SignalTimersTests()
    {
        _table = SignalTable.Create(_path, workers: 2, mules: 0);
        _timers = new SignalTimers(_table, new LoggerConfiguration().CreateLogger());
    }

    public void Dispose()
    {
        _table.Dispose();
        File.Delete(_path);
    }

    private int Pending()
    {
        var got = new List<int>();
        _table.Claim(_table.AnyWorkerBox, got);
        return got.Count;
    }

    [Fact]
    public void Timer_FiresEveryPeriod_OnceForTheInstance_WithoutABurstAfterALateTick()
    {
        _table.Register(1, new SignalTarget(SignalTargetKind.AnyWorker, 0));
        _table.AddTimer(new SignalTimer(1, SignalTimerKind.Timer, 2, 0, 0, 0, 0, 0));
        _timers.Tick(T0, []);
        Assert.Equal(0, Pending());
        _timers.Tick(T0.AddSeconds(1), []);
        Assert.Equal(0, Pending());
        _timers.Tick(T0.AddSeconds(2), []);
        Assert.Equal(1, Pending());
        _timers.Tick(T0.AddSeconds(10), []); // late: one signal, not four
        Assert.Equal(1, Pending());
        _timers.Tick(T0.AddSeconds(11), []);
        Assert.Equal(0, Pending());
    }

    [Theory]
    [InlineData(-1, 7, true)]
    [InlineData(-5, 10, true)]
    [InlineData(-5, 11, false)]
    [InlineData(7, 7, true)]
    [InlineData(7, 8, false)]
    public void CronField_MatchesAsUwsgi(int field, int value, bool matches)
        => Assert.Equal(matches, SignalTimers.Matches(field, value));

    [Fact]
    public void Cron_FiresOncePerMatchingMinute()
    {
        _table.Register(2, new SignalTarget(SignalTargetKind.AnyWorker, 0));
        _table.AddTimer(new SignalTimer(2, SignalTimerKind.Cron, 0, -1, -1, -1, -1, -1));
        _timers.Tick(T0, []);
        _timers.Tick(T0.AddSeconds(10), []);
        Assert.Equal(1, Pending());
        _timers.Tick(T0.AddSeconds(31), []); // the next minute
        Assert.Equal(1, Pending());
    }
}
