// Overview
// The master's single source of truth about the processes it supervises: one WorkerEntry per live
// process, keyed by kind and id. A worker id is also its scoreboard slot (WorkerContract: the worker
// opens slot DOTNETWSGI_WORKER_ID), so the table hands out worker ids from 1..Capacity; a
// replacement that runs beside its predecessor (chain reload, recycle) takes the lowest free id.
// Other kinds (daemons, ...) have their own id space and no slot. All/Live are the workers; Processes
// is every row. Only the master loop thread touches the table.

namespace DotnetWsgi.Manager.Master;

public sealed class WorkerTable(int capacity)
{
    private readonly SortedDictionary<int, WorkerEntry> _byId = new();
    private readonly List<WorkerEntry> _others = [];
    private readonly Dictionary<int, int> _respawnsById = new();

    /// <summary>Scoreboard slots available (ids 1..Capacity).</summary>
    public int Capacity { get; } = capacity;

    /// <summary>The workers, in id order.</summary>
    public IReadOnlyCollection<WorkerEntry> All => _byId.Values;
    /// <summary>Every supervised process, workers first.</summary>
    public IEnumerable<WorkerEntry> Processes => _byId.Values.Concat(_others);
    /// <summary>Rows of every kind (the master finishes a stop when this is 0).</summary>
    public int Count => _byId.Count + _others.Count;

    /// <summary>Workers not told to stop, in id order.</summary>
    public IEnumerable<WorkerEntry> Live => _byId.Values.Where(w => !w.IsStopping);

    /// <summary>Processes of one kind other than workers.</summary>
    public IEnumerable<WorkerEntry> OfKind(ProcessKind kind) => kind == ProcessKind.Worker ? All : _others.Where(o => o.Kind == kind);

    public WorkerEntry? ByPid(int pid) => Processes.FirstOrDefault(w => w.Pid == pid);

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
        if (entry.Kind != ProcessKind.Worker)
        {
            if (_others.Any(o => o.Kind == entry.Kind && o.Id == entry.Id)) throw new InvalidOperationException($"{entry.Kind} {entry.Id} is already in the table");
            _others.Add(entry);
            return;
        }
        if (entry.Id < 1 || entry.Id > Capacity) throw new InvalidOperationException($"worker id {entry.Id} outside 1..{Capacity}");
        if (!_byId.TryAdd(entry.Id, entry)) throw new InvalidOperationException($"worker id {entry.Id} is already in use");
    }

    public void Remove(WorkerEntry entry)
    {
        if (entry.Kind != ProcessKind.Worker)
        {
            if (!_others.Remove(entry)) throw new InvalidOperationException($"{entry.Kind} {entry.Id} is not in the table");
            return;
        }
        if (!_byId.Remove(entry.Id)) throw new InvalidOperationException($"worker {entry.Id} is not in the table");
        _respawnsById[entry.Id] = entry.Respawns + 1;
    }
}
