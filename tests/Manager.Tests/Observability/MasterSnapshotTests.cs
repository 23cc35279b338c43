using System.Net.Sockets;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Master;
using DotnetWsgi.Manager.Observability;

namespace DotnetWsgi.Manager.Tests.Observability;

public sealed class MasterSnapshotTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1795310858);

    [Fact]
    public void Build_MapsWorkersInIdOrder_WithPhasesAndListeners()
    {
        var ready = new WorkerEntry(2, 102, 3, Now, 1);
        ready.MarkReady();
        var starting = new WorkerEntry(1, 101, 3, Now, 0);
        var stopping = new WorkerEntry(3, 103, 2, Now, 0);
        stopping.RecordStop(StopStep.Graceful, Now, StopReason.Reload);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var spec = new SocketSpec("http-socket", "127.0.0.1:8080", SocketProtocol.Http, SocketFamily.Tcp, "127.0.0.1", 8080, null);
        var ledger = new RespawnLedger();
        ledger.Record("crash");

        var snapshot = MasterSnapshot.Build([ready, starting, stopping], [new Listener(spec, socket, 7, 42)], 100, ledger, draining: false, paused: true, Now);

        Assert.Equal([1, 2, 3], snapshot.Workers.Select(w => w.Id));
        Assert.Equal([WorkerPhase.Starting, WorkerPhase.Ready, WorkerPhase.Stopping], snapshot.Workers.Select(w => w.Phase));
        Assert.Equal(1, snapshot.AcceptingCount);
        Assert.Equal(new ListenerView("127.0.0.1:8080", SocketProtocol.Http, 100, SocketFamily.Tcp, 42), snapshot.Listeners[0]);
        Assert.Equal(1, snapshot.RespawnReasons["crash"]);
        Assert.True(snapshot.Paused);
        Assert.Equal(Now, snapshot.TakenAt);
    }

    [Fact]
    public void RespawnReason_NamesStopReasonsCrashesRecyclesAndBootFailures()
    {
        var stopped = new WorkerEntry(1, 101, 1, Now, 0);
        stopped.RecordStop(StopStep.Harakiri, Now, StopReason.Harakiri);
        var live = new WorkerEntry(2, 102, 1, Now, 0);
        Assert.Equal("harakiri", MasterSnapshot.RespawnReason(stopped, exitedCleanly: false, bootFailure: false));
        Assert.Equal("crash", MasterSnapshot.RespawnReason(live, exitedCleanly: false, bootFailure: false));
        Assert.Equal("recycle", MasterSnapshot.RespawnReason(live, exitedCleanly: true, bootFailure: false));
        Assert.Equal("boot-failure", MasterSnapshot.RespawnReason(live, exitedCleanly: false, bootFailure: true));
    }

    [Fact]
    public void RespawnLedger_SnapshotIsACopy()
    {
        var ledger = new RespawnLedger();
        ledger.Record("crash");
        var before = ledger.Snapshot();
        ledger.Record("crash");
        ledger.Record("");
        Assert.Equal(1, before["crash"]);
        Assert.Equal(2, ledger.Snapshot()["crash"]);
        Assert.Equal(1, ledger.Snapshot()["unknown"]);
    }
}
