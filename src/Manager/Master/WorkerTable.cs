// Overview
// The master's single source of truth about workers: one WorkerEntry per live process, keyed by
// worker id. A worker id is also its scoreboard slot (WorkerContract: the worker opens slot
// DOTNETWSGI_WORKER_ID), so the table hands out ids from 1..Capacity; a replacement that runs
// beside its predecessor (chain reload, lifetime recycle) takes the lowest free id. Only the master
// loop thread touches the table.

namespace DotnetWsgi.Manager.Master;

public sealed class WorkerTable(int capacity)
{
    private readonly SortedDictionary<int, WorkerEntry> _byId = new();
    private readonly Dictionary<int, int> _respawnsById = new();

    /// <summary>Scoreboard slots available (ids 1..Capacity).</summary>
    public int Capacity { get; } = capacity;

    public IReadOnlyCollection<WorkerEntry> All => _byId.Values;
    public int Count => _byId.Count;

    /// <summary>Workers not told to stop, in id order.</summary>
    public IEnumerable<WorkerEntry> Live => _byId.Values.Where(w => !w.IsStopping);

    public WorkerEntry? ByPid(int pid) => _byId.Values.FirstOrDefault(w => w.Pid == pid);

    /// <summary>Lowest unused id, or null when every scoreboard slot is taken.</summary>
    public int? FreeId()
    {
        for (int id = 1; id <= Capacity; id++)
            if (!_byId.ContainsKey(id)) return id;
        return null;
    }

    /// <summary>How many processes this id has had before (for the respawn counter).</summary>
    public int RespawnsOf(int id) => _respawnsById.GetValueOrDefault(id);

    public void Add(WorkerEntry entry)
    {
        if (entry.Id < 1 || entry.Id > Capacity) throw new InvalidOperationException($"worker id {entry.Id} outside 1..{Capacity}");
        if (!_byId.TryAdd(entry.Id, entry)) throw new InvalidOperationException($"worker id {entry.Id} is already in use");
    }

    public void Remove(WorkerEntry entry)
    {
        if (!_byId.Remove(entry.Id)) throw new InvalidOperationException($"worker {entry.Id} is not in the table");
        _respawnsById[entry.Id] = entry.Respawns + 1;
    }
}
