// Why the worker target moved, as an enum: the cheaper algorithms name the condition that made them
// spawn or cheap, and the master counts every move by direction and reason for /metrics
// (dotnetwsgi_cheaper_events_total{direction,reason}). Label() gives the words of that interface:
// keep them stable, dashboards use them.

namespace DotnetWsgi.Manager.Master.Cheaper;

public enum ScalingReason
{
    /// <summary>spare: every accepting worker was busy for cheaper-overload seconds.</summary>
    AllBusy,
    /// <summary>spare2: fewer than `cheaper` workers were idle.</summary>
    FewIdle,
    /// <summary>backlog: more than cheaper-overload connections waited in the listen queue.</summary>
    Backlog,
    /// <summary>busyness: above cheaper-busyness-max for cheaper-overload seconds.</summary>
    Busy,
    /// <summary>spare, spare2: too many workers idle for long enough.</summary>
    Idle,
    /// <summary>backlog: the listen queue stayed empty for cheaper-overload seconds.</summary>
    QueueEmpty,
    /// <summary>busyness: below cheaper-busyness-min for cheaper-overload seconds.</summary>
    NotBusy,
    /// <summary>SIGTTIN/SIGTTOU or the master fifo's `+`/`-`.</summary>
    Command,
    /// <summary>The workers' total RSS reached cheaper-rss-limit-hard.</summary>
    RssLimit,
}

public static class ScalingReasons
{
    public static string Label(this ScalingReason reason) => reason switch
    {
        ScalingReason.AllBusy => "all-busy",
        ScalingReason.FewIdle => "few-idle",
        ScalingReason.Backlog => "backlog",
        ScalingReason.Busy => "busy",
        ScalingReason.Idle => "idle",
        ScalingReason.QueueEmpty => "queue-empty",
        ScalingReason.NotBusy => "not-busy",
        ScalingReason.Command => "command",
        ScalingReason.RssLimit => "rss-limit",
        _ => reason.ToString().ToLowerInvariant(),
    };
}
