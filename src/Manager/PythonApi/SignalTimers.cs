// The master's timers and cron entries (uwsgi.add_timer / add_rb_timer / add_cron): read from the
// shared signal table every tick (workers add them at any time) and raised when due. A timer of N
// seconds fires every N seconds from when the master first saw it, once for the whole instance;
// a cron entry fires once in each minute its fields match (-1 = any, -N = every N, as uWSGI).

using DotnetWsgi.Native.PythonApi;
using Serilog;

namespace DotnetWsgi.Manager.PythonApi;

public sealed class SignalTimers(SignalTable signals, ILogger log)
{
    private readonly Dictionary<int, DateTimeOffset> _nextFire = [];
    private readonly Dictionary<int, long> _lastCronMinute = [];

    public void Tick(DateTimeOffset now, IReadOnlyList<int> liveWorkers)
    {
        foreach (var timer in signals.Timers())
        {
            if (timer.Kind == SignalTimerKind.Cron) TickCron(timer, now, liveWorkers);
            else TickTimer(timer, now, liveWorkers);
        }
    }

    private void TickTimer(SignalTimer timer, DateTimeOffset now, IReadOnlyList<int> liveWorkers)
    {
        var period = TimeSpan.FromSeconds(timer.Seconds);
        if (!_nextFire.TryGetValue(timer.Signum, out var due))
        {
            _nextFire[timer.Signum] = now + period;
            log.Information("timer for signal {Signum} every {Seconds} s", timer.Signum, timer.Seconds);
            return;
        }
        if (now < due) return;
        Raise(timer.Signum, liveWorkers);
        due += period;
        _nextFire[timer.Signum] = due <= now ? now + period : due; // a late tick does not fire a burst
    }

    private void TickCron(SignalTimer timer, DateTimeOffset now, IReadOnlyList<int> liveWorkers)
    {
        var local = now.ToLocalTime();
        long minute = now.ToUnixTimeSeconds() / 60;
        if (_lastCronMinute.GetValueOrDefault(timer.Signum) == minute) return;
        if (!Matches(timer.Minute, local.Minute) || !Matches(timer.Hour, local.Hour) || !Matches(timer.Day, local.Day)
            || !Matches(timer.Month, local.Month) || !Matches(timer.Weekday, (int)local.DayOfWeek)) return;
        _lastCronMinute[timer.Signum] = minute;
        Raise(timer.Signum, liveWorkers);
    }

    /// <summary>uWSGI's cron field: -1 any value, -N every N (value % N == 0), else equal.</summary>
    public static bool Matches(int field, int value) => field switch
    {
        -1 => true,
        < -1 => value % -field == 0,
        _ => field == value,
    };

    private void Raise(int signum, IReadOnlyList<int> liveWorkers)
    {
        if (!signals.Raise(signum, liveWorkers))
            log.Warning("timer signal {Signum} has no registered handler", signum);
    }
}
