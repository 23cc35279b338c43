// cheaper-rss-limit-soft / -hard, as uWSGI has them: once a second, before the algorithm, the
// master adds up its live workers' resident memory. At or above the soft limit no worker is
// spawned (the algorithm may still cheap); at or above the hard limit one worker is cheaped
// without asking the algorithm (never below `cheaper`; uWSGI goes down to one worker). uWSGI
// refuses to start with a hard limit but no soft one, or one not above it; dotnetwsgi warns and
// leaves the hard limit off. uWSGI also needs `memory-report` for the soft limit; dotnetwsgi
// reads the workers' RSS from /proc itself.

using DotnetWsgi.Manager.Master.Cheaper;

namespace DotnetWsgi.Manager.Master;

public sealed partial class Master
{
    private enum RssLimitState { Under, Soft, Hard }

    private long _rssHardLimit;
    private RssLimitState _rssLogged = RssLimitState.Under;

    /// <summary>The hard limit in effect: 0 with a warning when the soft limit does not sit below it.</summary>
    private long RssHardLimit()
    {
        long soft = _options.CheaperRssLimitSoft, hard = _options.CheaperRssLimitHard;
        if (hard <= 0) return 0;
        if (soft > 0 && hard > soft) return hard;
        _log.Warning("cheaper-rss-limit-hard = {Hard} needs a cheaper-rss-limit-soft below it (soft: {Soft}): the hard limit is off", hard, soft);
        return 0;
    }

    private RssLimitState CheckRssLimits(List<WorkerEntry> live)
    {
        if (_options.CheaperRssLimitSoft <= 0) return RssLimitState.Under;
        long total = live.Sum(w => _deps.Proc.Memory(w.Pid)?.Rss ?? 0);
        var state = _rssHardLimit > 0 && live.Count > CheaperMin && total >= _rssHardLimit ? RssLimitState.Hard
            : total >= _options.CheaperRssLimitSoft ? RssLimitState.Soft : RssLimitState.Under;
        if (state == RssLimitState.Hard)
            _log.Warning("cheaper: the workers' total RSS of {Rss} bytes is at or above cheaper-rss-limit-hard = {Limit}: cheaping one of {Count} workers",
                total, _rssHardLimit, live.Count);
        else if (state == RssLimitState.Soft && _rssLogged != RssLimitState.Soft)
            _log.Warning("cheaper: the workers' total RSS of {Rss} bytes is at or above cheaper-rss-limit-soft = {Limit}: no worker is spawned until it drops",
                total, _options.CheaperRssLimitSoft);
        else if (state == RssLimitState.Under && _rssLogged == RssLimitState.Soft)
            _log.Information("cheaper: the workers' total RSS of {Rss} bytes is below cheaper-rss-limit-soft again", total);
        _rssLogged = state;
        return state;
    }
}
