// Overview
// The master's observability front: the stats server (`stats`) and the admin HTTP listener
// (`admin-http`), both optional. The master loop calls Publish() with a fresh WorkerTableSnapshot
// every iteration (a volatile write, nothing else); the listeners render from the latest snapshot
// and the live scoreboard on their own tasks. Start() throws ObservabilityAddressException (one
// line for the user) when an address cannot be bound. Renders hold a read lock that Dispose waits
// for, so no client task reads the scoreboard after the master has unmapped it.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;
using Serilog;

namespace DotnetWsgi.Manager.Observability;

public sealed class ObservabilityHost : IDisposable
{
    private readonly ServerOptions _options;
    private readonly StatsReport _report;
    private readonly PrometheusFormatter _metrics;
    private readonly HealthChecks _health;
    private volatile WorkerTableSnapshot? _snapshot;
    private readonly ReaderWriterLockSlim _gate = new();
    private bool _disposed;
    private StatsServer? _stats;
    private AdminHttpServer? _admin;

    /// <param name="logDropped">Log lines the logto file could not take so far (stats and /metrics show it).</param>
    public ObservabilityHost(ServerOptions options, Scoreboard scoreboard, TimeProvider time, KernelProbe? probe = null, StatsIdentity? identity = null,
        Func<long>? logDropped = null)
    {
        _options = options;
        probe ??= new KernelProbe();
        identity ??= new StatsIdentity(StatsReport.Version, Environment.ProcessId, Libc.GetUid(), Libc.GetGid(), Environment.CurrentDirectory);
        _report = new StatsReport(options, identity, scoreboard, probe) { LogDropped = logDropped ?? (() => 0) };
        _metrics = new PrometheusFormatter(scoreboard, _report, probe);
        _health = new HealthChecks(time, options.AdminReadyWorkers);
    }

    /// <summary>The shared caches, for the stats JSON's `caches` section.</summary>
    public IReadOnlyList<Native.PythonApi.SharedCache> Caches { set => _report.Caches = value; }

    /// <summary>The spooler processes, for the stats JSON's `spoolers` section.</summary>
    public Func<IReadOnlyList<SpoolerView>> Spoolers { set => _report.Spoolers = value; }

    public StatsServer? Stats => _stats;
    public AdminHttpServer? Admin => _admin;
    public WorkerTableSnapshot? Snapshot => _snapshot;

    /// <summary>Binds and starts what the options ask for, logging uWSGI's start-up line for stats.</summary>
    public void Start(ILogger log)
    {
        var timeout = TimeSpan.FromSeconds(Math.Max(1, _options.SocketTimeout));
        if (_options.Stats is { Length: > 0 } stats)
        {
            _stats = StatsServer.Start(stats, RenderStats, _options.StatsHttp, timeout, log);
            log.Information("*** Stats server enabled on {Address} fd: {Fd} ***", _stats.Address, _stats.Fd);
        }
        if (_options.AdminHttp is { Length: > 0 } admin)
        {
            _admin = AdminHttpServer.Start(admin, Route, timeout, log);
            log.Information("dotnetwsgi admin HTTP (/metrics, /healthz, /readyz) on {Address}", _admin.Address);
        }
    }

    /// <summary>Master loop only: the latest view of the worker table.</summary>
    public void Publish(WorkerTableSnapshot snapshot) => _snapshot = snapshot;

    public string RenderStats() => Guarded(() => _report.Render(_snapshot ?? Empty(), _options.StatsMinified), "{}");

    public AdminResponse Route(string path) => Guarded(() => RouteUnguarded(path), new AdminResponse(503, "text/plain; charset=utf-8", "stopping\n"));

    private AdminResponse RouteUnguarded(string path) => path switch
    {
        "/metrics" => new(200, PrometheusFormatter.ContentType, _metrics.Render(_snapshot ?? Empty())),
        "/healthz" => _health.Live(_snapshot),
        "/readyz" => _health.Ready(_snapshot),
        _ => new(404, "text/plain; charset=utf-8", "not found: try /metrics, /healthz or /readyz\n"),
    };

    private static WorkerTableSnapshot Empty() => new(DateTimeOffset.MinValue, [], [], new Dictionary<string, long>(), false, false);

    private T Guarded<T>(Func<T> render, T whenDisposed)
    {
        _gate.EnterReadLock();
        try { return _disposed ? whenDisposed : render(); }
        finally { _gate.ExitReadLock(); }
    }

    public void Dispose()
    {
        _gate.EnterWriteLock();
        try
        {
            if (_disposed) return;
            _disposed = true;
        }
        finally { _gate.ExitWriteLock(); }
        _stats?.Dispose();
        _admin?.Dispose();
    }
}
