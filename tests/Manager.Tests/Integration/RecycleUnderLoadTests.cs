// max-requests under load against the published binary: every worker reaches the limit at about the
// same time. Recycling is replace-before-retire and staggered, so the stats never show an instant
// without an accepting worker and no request fails.

namespace DotnetWsgi.Manager.Tests.Integration;

[Collection("real processes")]
public class RecycleUnderLoadTests
{
    [BinaryFact]
    public void MaxRequests_UnderLoad_AlwaysLeavesAWorkerAccepting_AndFailsNothing()
    {
        int statsPort = Repo.FreePort();
        using var dn = new BinaryInstance(4, "threads = 2", "max-requests = 50", "min-worker-lifetime = 1", $"stats = 127.0.0.1:{statsPort}").WaitServing();
        Wait.Until(() => StatsReader.Accepting(statsPort) == 4, "four accepting workers");
        int minAccepting = int.MaxValue, samples = 0;
        using (var load = new LoadGenerator(dn.Port, "/pid", clients: 4))
        {
            Wait.Until(() =>
            {
                int accepting = StatsReader.Accepting(statsPort);
                samples++;
                minAccepting = Math.Min(minAccepting, accepting);
                Assert.True(accepting >= 1, $"no worker accepting at sample {samples}");
                return Recycles(dn) >= 8;
            }, "eight recycles under load", TimeSpan.FromSeconds(180));
            load.StopAndAssertNoneFailed();
            Assert.True(load.Bodies.Count >= 8, $"only {load.Bodies.Count} worker pids answered across 8 recycles");
        }
        Assert.True(samples >= 10, $"only {samples} stats samples");
        Assert.True(minAccepting >= 1, $"min accepting {minAccepting}");
    }

    private static int Recycles(BinaryInstance dn) => dn.Output.Count(l => l.Contains("replaced (recycle): its replacement accepts", StringComparison.Ordinal));
}
