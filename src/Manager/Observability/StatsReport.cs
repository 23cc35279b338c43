// Overview
// Builds the stats document: uWSGI 2.0.21's keys in its order, filled from the
// master's latest WorkerTableSnapshot, live scoreboard counters and the kernel. Fields uWSGI has
// and dotnetwsgi does not (uwsgi signals, offloading, static/routed requests, lock contention)
// are present with 0 so parsers find every key they expect.
//
// A core's request vars carry cookies and authorization headers, so `vars` stays empty unless
// `stats-request-vars = true`; even then only what the scoreboard records (method and URI).

using DotnetWsgi.Config.Options;
using DotnetWsgi.Native;

namespace DotnetWsgi.Manager.Observability;

/// <summary>Facts about the master process that do not change while it runs.</summary>
public sealed record StatsIdentity(string Version, int Pid, long Uid, long Gid, string Cwd);

public sealed partial class StatsReport(ServerOptions options, StatsIdentity identity, Scoreboard scoreboard, KernelProbe probe)
{
    /// <summary>uWSGI's version string with our suffix, as the Python host's uwsgi.version.</summary>
    public const string Version = DotnetWsgi.Worker.Python.PythonApplicationHost.UwsgiVersion;

    /// <summary>Log lines dropped because the logto file could not be written (a full device).</summary>
    public Func<long> LogDropped { get; init; } = () => 0;

    private static readonly string[] LockNames = ["user 0", "signal", "filemon", "timer", "rbtimer", "cron", "rpc", "snmp"];

    public string Render(WorkerTableSnapshot snapshot, bool minified)
    {
        var w = new StatsJsonWriter(minified);
        w.OpenObject();
        w.Value("version", identity.Version);
        var queues = snapshot.Listeners.Select(l => probe.ListenQueue(l) ?? 0).ToArray();
        w.Value("listen_queue", queues.Sum());
        w.Value("listen_queue_errors", 0);
        w.Value("signal_queue", 0);
        w.Value("load", snapshot.Workers.Sum(InFlight));
        w.Value("pid", identity.Pid);
        w.Value("uid", identity.Uid);
        w.Value("gid", identity.Gid);
        w.Value("cwd", identity.Cwd);
        if (LogDropped() is > 0 and long dropped) w.Value("log_dropped", dropped); // only then: uWSGI's layout otherwise
        WriteLocks(w);
        WriteCaches(w);
        WriteSockets(w, snapshot.Listeners, queues);
        w.OpenList("workers");
        foreach (var worker in snapshot.Workers) WriteWorker(w, worker, snapshot.Paused);
        w.CloseList();
        WriteSpoolers(w);
        w.CloseObject();
        return w.ToString();
    }

    /// <summary>Requests in progress in this worker (cores with a request start).</summary>
    public int InFlight(WorkerView worker)
    {
        if (!HasSlot(worker) || worker.Phase == WorkerPhase.Cheap) return 0;
        var slot = scoreboard.Slot(worker.Id);
        int busy = 0;
        for (int c = 0; c < CoreCount(slot); c++) if (slot.Core(c).RequestStartMs != 0) busy++;
        return busy;
    }

    private static void WriteLocks(StatsJsonWriter w) => w.ObjectList("locks", LockNames, name => w.Value(name, 0));

    private static void WriteSockets(StatsJsonWriter w, IReadOnlyList<ListenerView> listeners, long[] queues)
    {
        w.ObjectList("sockets", listeners.Zip(queues), s =>
        {
            var (l, queue) = s;
            w.Value("name", l.Name);
            w.Value("proto", l.Protocol == SocketProtocol.Http ? "http" : "uwsgi");
            w.Value("queue", queue);
            w.Value("max_queue", l.Backlog);
            w.Value("shared", 0);
            w.Value("can_offload", 0);
        });
    }

    private void WriteWorker(StatsJsonWriter w, WorkerView worker, bool paused)
    {
        bool hasSlot = HasSlot(worker);
        var slot = hasSlot ? scoreboard.Slot(worker.Id) : default;
        long delta = hasSlot ? DeltaRequests(slot) : 0;
        var memory = probe.Memory(worker.Pid) ?? (0, 0);
        int inFlight = InFlight(worker);
        w.OpenObject();
        w.Value("id", worker.Id);
        w.Value("pid", worker.Pid);
        w.Value("accepting", worker.IsAccepting ? 1 : 0);
        w.Value("requests", hasSlot ? slot.Requests : 0);
        w.Value("delta_requests", delta);
        w.Value("exceptions", hasSlot ? slot.Exceptions : 0);
        w.Value("harakiri_count", hasSlot ? slot.HarakiriCount : 0);
        w.Value("signals", 0);
        w.Value("signal_queue", 0);
        w.Value("status", worker.Phase == WorkerPhase.Cheap ? "cheap" : inFlight > 0 ? "busy" : paused ? "pause" : "idle");
        w.Value("rss", memory.Rss);
        w.Value("vsz", memory.Vsz);
        w.Value("running_time", hasSlot ? slot.RunningTimeUs : 0);
        w.Value("last_spawn", worker.SpawnedAt.ToUnixTimeSeconds());
        w.Value("respawn_count", worker.Respawns + 1);
        w.Value("tx", hasSlot ? slot.TxBytes : 0);
        w.Value("avg_rt", hasSlot ? slot.AvgResponseTimeUs : 0);
        WriteApps(w, delta, hasSlot ? slot.Exceptions : 0);
        w.OpenList("cores");
        if (hasSlot) for (int c = 0; c < CoreCount(slot); c++) WriteCore(w, c, slot.Core(c));
        w.CloseList();
        w.CloseObject();
    }

    private static void WriteApps(StatsJsonWriter w, long requests, long exceptions)
    {
        w.OpenList("apps");
        w.OpenObject();
        w.Value("id", 0);
        w.Value("modifier1", 0);
        w.Value("mountpoint", "");
        w.Value("startup_time", 0);
        w.Value("requests", requests);
        w.Value("exceptions", exceptions);
        w.Value("chdir", "");
        w.CloseObject();
        w.CloseList();
    }

    private void WriteCore(StatsJsonWriter w, int id, CoreSlot core)
    {
        long start = core.RequestStartMs;
        w.OpenObject();
        w.Value("id", id);
        w.Value("requests", core.Requests);
        foreach (var zero in (string[])["static_requests", "routed_requests", "offloaded_requests", "write_errors", "read_errors"])
            w.Value(zero, 0);
        w.Value("in_request", start != 0 ? 1 : 0);
        w.OpenList("vars");
        if (start != 0 && options.StatsRequestVars) WriteVars(w, core.RequestInfo);
        w.CloseList();
        w.OpenObject("req_info");
        if (start != 0) w.Value("request_start", start / 1000);
        w.CloseObject();
        w.CloseObject();
    }

    private static void WriteVars(StatsJsonWriter w, string requestInfo)
    {
        int space = requestInfo.IndexOf(' ');
        w.RawItem("REQUEST_METHOD=" + (space < 0 ? requestInfo : requestInfo[..space]));
        w.RawItem("REQUEST_URI=" + (space < 0 ? "" : requestInfo[(space + 1)..]));
        w.RawItem("");
    }

    /// <summary>Requests of this process: the per-core counters restart at each spawn.</summary>
    private int CoreCount(WorkerSlot slot) => Math.Min(slot.Cores, Math.Max(1, options.Threads));

    private long DeltaRequests(WorkerSlot slot)
    {
        long sum = 0;
        for (int c = 0; c < CoreCount(slot); c++) sum += slot.Core(c).Requests;
        return sum;
    }

    private bool HasSlot(WorkerView worker) => worker.Id >= 1 && worker.Id <= scoreboard.Workers;
}
