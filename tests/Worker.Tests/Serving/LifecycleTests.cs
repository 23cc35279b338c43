using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Serving;

namespace DotnetWsgi.Worker.Tests.Serving;

public sealed class LifecycleTests
{
    [Fact]
    public async Task GracefulStop_FinishesTheInFlightRequest_ThenStops()
    {
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        using var f = new ServingFixture(ctx =>
        {
            entered.Set();
            release.Wait(TimeSpan.FromSeconds(30));
            Apps.Echo(ctx);
        });
        using var c = f.Connect();
        c.Send("GET /slow HTTP/1.1\r\n\r\n");
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)));

        f.Server.RequestStop();
        release.Set();
        var reply = c.ReadResponse();

        Assert.Equal(("GET /slow |", "close"), (reply.Body, reply.Header("connection")));
        await f.Server.Stopped.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(DotnetWsgi.Native.WorkerSlotState.Stopping, f.Scoreboard.Slot(1).State);
    }

    [Fact]
    public async Task GracefulStop_WakesIdleThreads_WithoutAnyConnection()
    {
        using var f = new ServingFixture(Apps.Echo, o => o with { Threads = 3 });

        f.Server.RequestStop();

        await f.Server.Stopped.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((3, 3), (f.Host.Attached, f.Host.Detached));
    }

    [Fact]
    public async Task GracefulStop_ClosesAnIdleKeepAliveConnection()
    {
        using var f = new ServingFixture(Apps.Echo, o => o with { SocketTimeout = 60 });
        using var c = f.Connect();
        c.Send("GET / HTTP/1.1\r\n\r\n");
        c.ReadResponse();

        f.Server.RequestStop();

        Assert.True(c.IsClosedByPeer());
        await f.Server.Stopped.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Scoreboard_RecordsTheRequest_AndItsInfoWhileRunning()
    {
        string? infoDuringRequest = null;
        long startDuringRequest = 0;
        ServingFixture? fixture = null;
        using var f = fixture = new ServingFixture(ctx =>
        {
            var core = fixture!.Scoreboard.Slot(1).Core(0);
            infoDuringRequest = core.RequestInfo;
            startDuringRequest = core.RequestStartMs;
            Apps.Echo(ctx);
        });
        using var c = f.Connect();
        c.Send("GET /info?x=1 HTTP/1.1\r\n\r\n");
        c.ReadResponse();

        var slot = f.Scoreboard.Slot(1);
        Wait.Until(() => slot.Requests == 1, "the request to be recorded");
        Assert.Equal("GET /info?x=1", infoDuringRequest);
        Assert.True(startDuringRequest > 0);
        Assert.Equal(0, slot.Core(0).RequestStartMs);
        Assert.Equal(1, slot.Core(0).Requests);
        Assert.Equal(1, f.Scoreboard.InstanceRequests);
        Assert.True(slot.TxBytes > 0);
    }

    [Fact]
    public async Task MaxRequests_RecyclesTheWorker_AfterTheNthRequest()
    {
        using var f = new ServingFixture(Apps.Echo, o => o with { MaxRequests = 2, MinWorkerLifetime = 0 });
        for (int i = 0; i < 2; i++)
        {
            using var c = f.Connect();
            c.Send("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
            c.ReadResponse();
        }

        await f.Server.Stopped.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains(f.Sink.Messages, m => m.Contains($"...The work of process {Environment.ProcessId} is done. Seeya!"));
    }
}
