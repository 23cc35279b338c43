// Overview
// The process-side state behind the `uwsgi` module's shared services: the signal table (signals,
// timers, user locks), the caches and the scoreboard, all mapped from the files the master created
// (PythonApiContract). Which mailboxes this process reads depends on its role: a worker takes
// signals for itself and for "any worker"; a mule for itself and "any mule"; the spooler its own.
// Opened once per process, before the app loads; absent (null) when no master shares them (unit
// tests running the host alone), in which case the module's functions raise a clear error.

using DotnetWsgi.Native;
using DotnetWsgi.Native.PythonApi;

namespace DotnetWsgi.Worker.Python;

internal sealed class UwsgiApi
{
    public static UwsgiApi? Current { get; private set; }

    public SignalTable Signals { get; }
    public Scoreboard? Scoreboard { get; }
    public Dictionary<string, SharedCache> Caches { get; } = new(StringComparer.Ordinal);
    public SharedCache? DefaultCache { get; }
    public int WorkerId { get; }
    public int MuleId { get; }
    public bool IsSpooler { get; }
    private readonly int[] _mailboxes;

    private UwsgiApi(string dir, int workerId, int muleId, bool spooler)
    {
        Signals = SignalTable.Open(Path.Combine(dir, PythonApiContract.SignalsFile));
        WorkerId = workerId;
        MuleId = muleId;
        IsSpooler = spooler;
        if (Environment.GetEnvironmentVariable(WorkerContract.ScoreboardVar) is { Length: > 0 } sb) Scoreboard = Scoreboard.Open(sb);
        string manifest = Path.Combine(dir, PythonApiContract.CachesManifest);
        foreach (string line in File.Exists(manifest) ? File.ReadAllLines(manifest) : [])
        {
            var parts = line.Split('\t');
            if (parts.Length != 2) continue;
            var cache = SharedCache.Open(Path.Combine(dir, parts[1]), parts[0]);
            Caches[parts[0]] = cache;
            DefaultCache ??= cache;
        }
        _mailboxes = spooler ? [Signals.SpoolerBox]
            : muleId > 0 ? [Signals.MuleBox(muleId), Signals.AnyMuleBox]
            : [Signals.WorkerBox(workerId), Signals.AnyWorkerBox];
    }

    /// <summary>Maps the master's shared files when the environment names them (once per process).</summary>
    public static UwsgiApi? OpenFromEnvironment()
    {
        if (Current is not null) return Current;
        if (Environment.GetEnvironmentVariable(PythonApiContract.DirVar) is not { Length: > 0 } dir) return null;
        int.TryParse(Environment.GetEnvironmentVariable(WorkerContract.WorkerIdVar), out int workerId);
        int.TryParse(Environment.GetEnvironmentVariable(PythonApiContract.MuleIdVar), out int muleId);
        bool spooler = Environment.GetEnvironmentVariable(PythonApiContract.SpoolerDirVar) is { Length: > 0 };
        return Current = new UwsgiApi(dir, muleId > 0 || spooler ? 0 : workerId, muleId, spooler);
    }

    /// <summary>The cache called name (null/empty = the first declared), or null.</summary>
    public SharedCache? Cache(string? name)
        => string.IsNullOrEmpty(name) ? DefaultCache : Caches.GetValueOrDefault(name);

    /// <summary>Ids of the workers accepting now (for the "workers" signal target).</summary>
    public IEnumerable<int> LiveWorkers()
    {
        if (Scoreboard is null) yield break;
        for (int id = 1; id <= Scoreboard.Workers; id++)
        {
            var slot = Scoreboard.Slot(id);
            if (slot.Pid != 0 && slot.State == WorkerSlotState.Accepting) yield return id;
        }
    }

    /// <summary>Signals pending for this process, waiting up to timeoutMs (polled every 20 ms; GIL released by the caller).</summary>
    public List<int> WaitForSignals(int timeoutMs)
    {
        var pending = new List<int>();
        long deadline = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            foreach (int box in _mailboxes) Signals.Claim(box, pending);
            if (pending.Count > 0 || Environment.TickCount64 >= deadline) return pending;
            Thread.Sleep(20);
        }
    }
}
