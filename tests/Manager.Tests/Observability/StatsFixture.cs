// Fixed data for the stats and metrics tests: a real scoreboard file in a temp directory, a kernel
// probe with fixed answers and a snapshot shaped like the reference sample (§7): two workers, the
// first busy with GET /sleep/3, the second idle after one request.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Observability;
using DotnetWsgi.Native;

namespace DotnetWsgi.Manager.Tests.Observability;

internal sealed class FixedProc : ProcFs
{
    public override long? TcpListenQueue(ulong? inode, int port) => 3;
    public override (long Rss, long Vsz)? Memory(int pid) => (pid * 1000L, pid * 4000L);
}

internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}

internal sealed class StatsFixture : IDisposable
{
    public static readonly DateTimeOffset Spawned = DateTimeOffset.FromUnixTimeSeconds(1795310851);
    public const long RequestStartMs = 1795310856_123;

    private readonly string _dir = Directory.CreateTempSubdirectory("obs-test-").FullName;
    public Scoreboard Scoreboard { get; }
    public ServerOptions Options { get; }
    public StatsIdentity Identity { get; } = new("2.0.21-dotnetwsgi", 16611, 0, 0, "/tmp/uwt");

    public StatsFixture(bool requestVars = true, int processes = 2)
    {
        Options = new ServerOptions { Processes = processes, Threads = 1, Listen = 100, StatsRequestVars = requestVars };
        Scoreboard = Scoreboard.Create(Path.Combine(_dir, "scoreboard"), 4, 2);
        for (int id = 1; id <= processes; id++)
        {
            var slot = Scoreboard.Slot(id);
            slot.Reset(1, Spawned.ToUnixTimeSeconds());
            slot.Pid = 16612 + id;
            slot.State = WorkerSlotState.Accepting;
        }
    }

    public static IReadOnlyList<ListenerView> Listeners =>
    [
        new("127.0.0.1:18730", SocketProtocol.Http, 100, SocketFamily.Tcp, null),
        new("127.0.0.1:18731", SocketProtocol.Uwsgi, 100, SocketFamily.Tcp, null),
    ];

    /// <summary>Worker 2 served one request (66 bytes, 188 µs, 200); worker 1 is in GET /sleep/3.</summary>
    public StatsFixture WithSampleTraffic()
    {
        var idle = Scoreboard.Slot(2);
        idle.Core(0).BeginRequest(RequestStartMs - 5000, "GET"u8, "/"u8);
        idle.Core(0).EndRequest();
        idle.RecordRequest(66, 188, exception: false);
        idle.RecordResponse(200, 188);
        Scoreboard.Slot(1).Core(0).BeginRequest(RequestStartMs, "GET"u8, "/sleep/3"u8);
        return this;
    }

    public WorkerTableSnapshot Snapshot(DateTimeOffset takenAt, bool draining = false, params WorkerPhase[] phases)
    {
        if (phases.Length == 0) phases = [WorkerPhase.Busy, WorkerPhase.Ready];
        var workers = phases.Select((p, i) => new WorkerView(i + 1, 16613 + i, p, 1, Spawned, 0)).ToList();
        return new WorkerTableSnapshot(takenAt, workers, Listeners, new Dictionary<string, long> { ["crash"] = 2, ["max-requests"] = 1 }, draining, false);
    }

    public StatsReport Report() => new(Options, Identity, Scoreboard, new KernelProbe(new FixedProc()));

    public static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "Observability", "Data", name);

    public void Dispose()
    {
        Scoreboard.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
