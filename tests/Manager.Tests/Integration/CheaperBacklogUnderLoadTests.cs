// cheaper-algo = backlog against the published binary: slow requests from more clients than one
// worker serves queue connections in the listen socket, the master sees the queue and spawns a
// worker; with the load gone the queue stays empty and the extra workers are cheaped again.

using System.Net.Sockets;
using System.Text.Json;
using DotnetWsgi.Manager.Tests.Nginx;
using DotnetWsgi.Manager.Tests.Support;

namespace DotnetWsgi.Manager.Tests.Integration;

[Collection("real processes")]
public class CheaperBacklogUnderLoadTests
{
    [BinaryFact]
    public void Backlog_SpawnsWhenConnectionsQueue_AndCheapsWhenTheQueueStaysEmpty()
    {
        int statsPort = Repo.FreePort();
        using var dn = new BinaryInstance(4, "cheaper = 1", "cheaper-algo = backlog", "cheaper-overload = 2", $"stats = 127.0.0.1:{statsPort}").WaitServing();
        Wait.Until(() => Accepting(statsPort) == 1, "one worker at rest");

        using (var load = new LoadLoop(dn.Port, "/sleep?s=0.5", clients: 8))
        {
            Wait.Until(() => Accepting(statsPort) >= 2, "a second worker for the queued connections", TimeSpan.FromSeconds(90));
            load.Stop();
            Assert.True(load.Failed == 0, $"{load.Failed} failed: {load.Errors}");
        }
        Assert.True(dn.Logged("cheaper (backlog, backlog)"));
        Wait.Until(() => Accepting(statsPort) == 1, "back to one worker once the queue stays empty", TimeSpan.FromSeconds(90));
        Assert.True(dn.Logged("cheaper (backlog, queue-empty)"));
        Assert.NotEmpty(dn.Get("/pid"));
    }

    private static int Accepting(int statsPort)
    {
        using var client = new TcpClient("127.0.0.1", statsPort);
        using var json = JsonDocument.Parse(client.GetStream());
        return json.RootElement.GetProperty("workers").EnumerateArray().Count(w => w.GetProperty("accepting").GetInt32() == 1);
    }
}
