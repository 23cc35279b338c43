// Under a master, a worker that reaches max-requests asks for a recycle in its scoreboard slot and
// keeps serving: the master replaces it before it retires it.

using DotnetWsgi.Native;
using DotnetWsgi.Worker.Serving;

namespace DotnetWsgi.Worker.Tests.Serving;

public sealed class RecycleRequestTests
{
    [Fact]
    public void MaxRequests_UnderAMaster_AsksForARecycle_AndKeepsServing()
    {
        using var f = new ServingFixture(Apps.Echo, o => o with { MaxRequests = 2, MinWorkerLifetime = 0 });
        f.Server.MasterReplacesOnRecycle = true;
        for (int i = 0; i < 4; i++)
        {
            using var c = f.Connect();
            c.Send("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
            Assert.Equal(200, c.ReadResponse().Status);
        }

        Assert.NotEqual(0, f.Scoreboard.Slot(1).RecycleDueMs);
        Assert.False(f.Server.Stopped.IsCompleted);
        Assert.NotEqual(WorkerSlotState.Stopping, f.Scoreboard.Slot(1).State);
        Assert.Single(f.Sink.Messages, m => m.Contains("worker recycle: reached max-requests (2); serving until the master's replacement accepts"));
    }
}
