// Overview
// The master's side of uWSGI's Python API: it creates the shared signal table and caches in its run
// directory before any worker starts (so they outlive workers and survive graceful reloads), raises
// timer and cron signals on the master loop's tick (SignalTimers), and runs the mules and spooler
// processes (AuxiliaryProcesses): started with each generation, restarted when they die, stopped
// with the master. The workers find the files through PythonApiContract.DirVar, which is set in the
// master's environment and so inherited by every process it starts.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Native;
using DotnetWsgi.Native.PythonApi;
using Serilog;

namespace DotnetWsgi.Manager.PythonApi;

public sealed class PythonServices : IDisposable
{
    /// <summary>Mule mailboxes in the signal table (mules configured on a later reload fit up to this).</summary>
    private const int MuleSlots = 32;

    private readonly List<SharedCache> _caches = [];
    private readonly SignalTimers _timers;
    private readonly AuxiliaryProcesses _aux;
    private readonly Scoreboard _scoreboard;

    public SignalTable Signals { get; }
    public IReadOnlyList<SharedCache> Caches => _caches;

    private PythonServices(SignalTable signals, Scoreboard scoreboard, string runDir, int masterPid, ILogger log)
    {
        Signals = signals;
        _scoreboard = scoreboard;
        _timers = new SignalTimers(signals, log);
        _aux = new AuxiliaryProcesses(runDir, scoreboard.Path, masterPid, log);
    }

    /// <summary>Creates the shared files (master start-up, after the run directory exists).</summary>
    public static PythonServices Create(ServerOptions options, string runDir, Scoreboard scoreboard, int masterPid, ILogger log)
    {
        var signals = SignalTable.Create(Path.Combine(runDir, PythonApiContract.SignalsFile), scoreboard.Workers, MuleSlots);
        var services = new PythonServices(signals, scoreboard, runDir, masterPid, log);
        var manifest = new List<string>();
        foreach (var (spec, i) in CacheSpec.All(options, out _).Select((s, i) => (s, i)))
        {
            string file = PythonApiContract.CacheFile(i);
            services._caches.Add(SharedCache.Create(Path.Combine(runDir, file), spec.Name, spec.Items, spec.BlockSize, spec.KeySize, spec.PurgeLru));
            manifest.Add($"{spec.Name}\t{file}");
            log.Information("cache \"{Name}\": {Items} items of {BlockSize} bytes (keys up to {KeySize} bytes){Lru}",
                spec.Name, spec.Items - 1, spec.BlockSize, spec.KeySize, spec.PurgeLru ? ", least recently used purged when full" : "");
        }
        File.WriteAllLines(Path.Combine(runDir, PythonApiContract.CachesManifest), manifest);
        Environment.SetEnvironmentVariable(PythonApiContract.DirVar, runDir);
        return services;
    }

    /// <summary>The master loop's periodic tick: fires due timers and cron entries.</summary>
    public void Tick(DateTimeOffset now) => _timers.Tick(now, LiveWorkers());

    /// <summary>A new generation (start or reload): (re)starts the mules and spoolers with its options.</summary>
    public void StartGeneration(ServerOptions options, string configPath) => _aux.Restart(options, configPath);

    /// <summary>The spooler processes now, for the stats server.</summary>
    public IReadOnlyList<Observability.SpoolerView> Spoolers() => _aux.Spoolers();

    private List<int> LiveWorkers()
    {
        var live = new List<int>();
        for (int id = 1; id <= _scoreboard.Workers; id++)
        {
            var slot = _scoreboard.Slot(id);
            if (slot.Pid != 0 && slot.State == WorkerSlotState.Accepting) live.Add(id);
        }
        return live;
    }

    public void Dispose()
    {
        _aux.Dispose();
        foreach (var c in _caches) c.Dispose();
        Signals.Dispose();
    }
}
