// Overview
// Restart throttling for a vassal that keeps dying. A vassal that exits before it has run
// LoyalAfter is "bad behaving": its next start waits emperor-throttle ms, and every further early
// death doubles the wait up to emperor-max-throttle. A vassal that ran at least LoyalAfter is
// "loyal": it is restarted at once and its throttle starts over. Times come from the caller (the
// Emperor's TimeProvider), so the rule is tested with a fake clock and no sleeping.

namespace DotnetWsgi.Manager.Emperor;

public sealed class VassalThrottle(TimeSpan first, TimeSpan max)
{
    /// <summary>How long a vassal must run to count as loyal (healthy).</summary>
    public static readonly TimeSpan LoyalAfter = TimeSpan.FromSeconds(10);

    /// <summary>The wait chosen at the last early death (zero while the vassal behaves).</summary>
    public TimeSpan Level { get; private set; } = TimeSpan.Zero;

    /// <summary>Early deaths in a row.</summary>
    public int EarlyDeaths { get; private set; }

    /// <summary>A vassal that started at startedAt died at now: returns when it may start again.</summary>
    public DateTimeOffset OnExit(DateTimeOffset startedAt, DateTimeOffset now)
    {
        if (now - startedAt >= LoyalAfter)
        {
            Reset();
            return now;
        }
        EarlyDeaths++;
        Level = Level == TimeSpan.Zero ? first : Min(Level * 2, max);
        return now + Level;
    }

    /// <summary>The file changed or the vassal proved healthy: the next early death starts at emperor-throttle again.</summary>
    public void Reset()
    {
        Level = TimeSpan.Zero;
        EarlyDeaths = 0;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
