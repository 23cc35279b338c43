// max-requests under load against the published binary: every worker reaches the limit at about the
// same time. Recycling is replace-before-retire and staggered, so the stats never show an instant
// without an accepting worker and no request fails.

using System.Net.Sockets;
using System.Text.Json;
using DotnetWsgi.Manager.Tests.Nginx;
using DotnetWsgi.Manager.Tests.Support;

namespace DotnetWsgi.Manager.Tests.Integration;

[Collection("real processes")]
public class RecycleUnderLoadTests
{
    [BinaryFact]
    public void MaxRequests_UnderLoad_AlwaysLeavesAWorkerAccepting_AndFailsNothing()
    {
        int statsPort = Repo.FreePort();
        using var dn = new BinaryInstance(4, "threads = 2", "max-requests = 50", "min-worker-lifetime = 1", $"stats = 127.0.0.1:{statsPort}").WaitServing();
        Wait.Until(() => AcceptingWorkers(statsPort) == 4, "four accepting workers");
        int minAccepting = int.MaxValue, samples = 0;
        using (var load = new LoadLoop(dn.Port, "/pid", clients: 4))
        {
            Wait.Until(() =>
            {
                int accepting = AcceptingWorkers(statsPort);
                samples++;
                minAccepting = Math.Min(minAccepting, accepting);
                Assert.True(accepting >= 1, $"no worker accepting at sample {samples}");
                return Recycles(dn) >= 8;
            }, "eight recycles under load", TimeSpan.FromSeconds(180));
            load.Stop();
            Assert.True(load.Failed == 0, $"{load.Failed} of {load.Ok + load.Failed} requests failed: {load.Errors}");
            Assert.True(load.Bodies.Count >= 8, $"only {load.Bodies.Count} worker pids answered across 8 recycles");
        }
        Assert.True(samples >= 10, $"only {samples} stats samples");
        Assert.True(minAccepting >= 1, $"min accepting {minAccepting}");
    }

    private static int Recycles(BinaryInstance dn) => dn.Output.Count(l => l.Contains("replaced (recycle): its replacement accepts", StringComparison.Ordinal));

    /// <summary>Workers the stats server reports accepting (one stats connection per call).</summary>
    private static int AcceptingWorkers(int statsPort)
    {
        using var client = new TcpClient("127.0.0.1", statsPort);
        using var stream = client.GetStream();
        using var json = JsonDocument.Parse(stream);
        return json.RootElement.GetProperty("workers").EnumerateArray().Count(w => w.GetProperty("accepting").GetInt32() == 1);
    }
}
