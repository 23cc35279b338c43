// Overview
// Why the master stopped a process, as an enum: logic compares enum values, never strings. The text
// for logs and for /metrics labels (dotnetwsgi_worker_respawns_total{reason=...}) comes from one
// mapping, Label(), whose words are part of the metrics interface: keep them stable.

namespace DotnetWsgi.Manager.Master;

public enum StopReason
{
    /// <summary>A replacement is accepting in its place (reload, chain reload, recycle, lifetime, memory cap).</summary>
    Replaced,
    /// <summary>More workers than wanted (fifo `-`, SIGTTOU, a reload with fewer processes).</summary>
    FewerWanted,
    /// <summary>The instance is stopping.</summary>
    Shutdown,
    /// <summary>need-app: no worker could load the app, the instance stops.</summary>
    NeedApp,
    /// <summary>Brutal reload (fifo `R`, `W`): stopped at once.</summary>
    Reload,
    /// <summary>A request ran past harakiri: stack dump, then SIGKILL. Cuts the worker short.</summary>
    Harakiri,
    /// <summary>Far over limit-as, or over evil-reload-on-rss: SIGKILL. Cuts the worker short.</summary>
    MemoryLimit,
    /// <summary>Did not exit within the mercy: SIGKILL.</summary>
    Mercy,
    /// <summary>The cheaper subsystem wants fewer workers: an idle one finishes its requests and stops.</summary>
    Cheaped,
}

/// <summary>Why a worker is to be replaced before it is retired (ReplaceWhenReady).</summary>
public enum ReplaceReason
{
    /// <summary>A reload started a new generation (graceful, workers, chain, touch, py-autoreload).</summary>
    Reload,
    /// <summary>The worker asked for it: max-requests, reload-on-rss, reload-on-as.</summary>
    Recycle,
    /// <summary>max-worker-lifetime passed.</summary>
    Lifetime,
    /// <summary>Over limit-as (resident memory cap).</summary>
    MemoryLimit,
}

public static class StopReasons
{
    /// <summary>Stops that cut a worker short: its exit is logged as a death, and it keeps its place until reaped.</summary>
    public static bool CutsShort(this StopReason reason) => reason is StopReason.Harakiri or StopReason.MemoryLimit;

    /// <summary>The reason's text in logs and metric labels (stable: dashboards use these words).</summary>
    public static string Label(this StopReason reason) => reason switch
    {
        StopReason.Replaced => "replaced",
        StopReason.FewerWanted => "fewer workers wanted",
        StopReason.Shutdown => "shutdown",
        StopReason.NeedApp => "need-app",
        StopReason.Reload => "reload",
        StopReason.Harakiri => "harakiri",
        StopReason.MemoryLimit => "limit-as",
        StopReason.Mercy => "mercy",
        StopReason.Cheaped => "cheaped",
        _ => reason.ToString().ToLowerInvariant(),
    };

    public static string Label(this ReplaceReason reason) => reason switch
    {
        ReplaceReason.Reload => "reload",
        ReplaceReason.Recycle => "recycle",
        ReplaceReason.Lifetime => "lifetime",
        ReplaceReason.MemoryLimit => "limit-as",
        _ => reason.ToString().ToLowerInvariant(),
    };
}
