// Overview
// When a worker retires itself after a request: max-requests (plus a random
// 0..max-requests-delta chosen once at start, so workers started together do not all recycle
// together), reload-on-rss and reload-on-as, each gated by min-worker-lifetime. Time comes from a
// TimeProvider and memory from a delegate so the decision is testable without sleeping.

using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Worker.Serving;

public sealed class RecyclePolicy
{
    private readonly ServerOptions _options;
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;
    private readonly Func<(long Vsz, long Rss)?> _memory;

    public RecyclePolicy(ServerOptions options, TimeProvider time, Func<(long Vsz, long Rss)?> memory, Random random)
    {
        _options = options;
        _time = time;
        _memory = memory;
        _startTimestamp = time.GetTimestamp();
        MaxRequests = options.MaxRequests <= 0 ? 0
            : options.MaxRequests + (options.MaxRequestsDelta > 0 ? random.NextInt64(0, options.MaxRequestsDelta + 1) : 0);
    }

    /// <summary>The effective max-requests of this worker (0 = off).</summary>
    public long MaxRequests { get; }

    public bool Enabled => MaxRequests > 0 || _options.ReloadOnRss > 0 || _options.ReloadOnAs > 0;

    /// <summary>Returns the reason to recycle now, or null.</summary>
    public string? Check(long workerRequests)
    {
        if (!Enabled) return null;
        if (_time.GetElapsedTime(_startTimestamp).TotalSeconds < _options.MinWorkerLifetime) return null;
        if (MaxRequests > 0 && workerRequests >= MaxRequests)
            return $"reached max-requests ({MaxRequests})";
        if (_options.ReloadOnRss <= 0 && _options.ReloadOnAs <= 0) return null;
        if (_memory() is not { } mem) return null;
        if (_options.ReloadOnRss > 0 && mem.Rss > _options.ReloadOnRss * 1024 * 1024)
            return $"rss {mem.Rss / (1024 * 1024)} MB over reload-on-rss {_options.ReloadOnRss} MB";
        if (_options.ReloadOnAs > 0 && mem.Vsz > _options.ReloadOnAs * 1024 * 1024)
            return $"address space {mem.Vsz / (1024 * 1024)} MB over reload-on-as {_options.ReloadOnAs} MB";
        return null;
    }
}
