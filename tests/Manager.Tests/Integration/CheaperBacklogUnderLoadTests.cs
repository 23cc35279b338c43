// cheaper-algo = backlog against the published binary: slow requests from more clients than one
// worker serves queue connections in the listen socket, the master sees the queue and spawns a
// worker; with the load gone the queue stays empty and the extra workers are cheaped again.

namespace DotnetWsgi.Manager.Tests.Integration;

[Collection("real processes")]
public class CheaperBacklogUnderLoadTests
{
    [BinaryFact]
    public void Backlog_SpawnsWhenConnectionsQueue_AndCheapsWhenTheQueueStaysEmpty()
    {
        int statsPort = Repo.FreePort();
        using var dn = new BinaryInstance(4, "cheaper = 1", "cheaper-algo = backlog", "cheaper-overload = 2", $"stats = 127.0.0.1:{statsPort}").WaitServing();
        Wait.Until(() => StatsReader.Accepting(statsPort) == 1, "one worker at rest");

        using (var load = new LoadGenerator(dn.Port, "/sleep?s=0.5", clients: 8))
        {
            Wait.Until(() => StatsReader.Accepting(statsPort) >= 2, "a second worker for the queued connections", TimeSpan.FromSeconds(90));
            load.StopAndAssertNoneFailed();
        }
        Assert.True(dn.Logged("cheaper (backlog, backlog)"));
        Wait.Until(() => StatsReader.Accepting(statsPort) == 1, "back to one worker once the queue stays empty", TimeSpan.FromSeconds(90));
        Assert.True(dn.Logged("cheaper (backlog, queue-empty)"));
        Assert.NotEmpty(dn.Get("/pid"));
    }
}
