// cheaper against the published binary: one worker at rest, more under load, back to one after;
// the stats show the empty slots as uWSGI does (`"pid": 0, "status": "cheap"`); no request fails.

namespace DotnetWsgi.Manager.Tests.Integration;

[Collection("real processes")]
public class CheaperUnderLoadTests
{
    [BinaryFact]
    public void Spare_ScalesUpUnderLoad_AndBackDown_ShowingCheapWorkersInStats()
    {
        int statsPort = Repo.FreePort();
        using var dn = new BinaryInstance(4, "cheaper = 1", "cheaper-overload = 1", $"stats = 127.0.0.1:{statsPort}").WaitServing();
        Wait.Until(() => StatsReader.Workers(statsPort).Count(w => w.Status == "cheap") == 3, "three cheap workers at rest");
        Assert.All(StatsReader.Workers(statsPort).Where(w => w.Status == "cheap"), w => Assert.Equal(0, w.Pid));

        int most = 0;
        using (var load = new LoadGenerator(dn.Port, "/sleep?s=0.2", clients: 3))
        {
            Wait.Until(() => (most = Math.Max(most, StatsReader.Accepting(statsPort))) >= 3, "three accepting workers under load", TimeSpan.FromSeconds(90));
            load.StopAndAssertNoneFailed();
        }
        Wait.Until(() => StatsReader.Accepting(statsPort) == 1, "back to one worker at rest", TimeSpan.FromSeconds(90));
        Assert.True(dn.Logged("cheaping one worker"));
        Assert.NotEmpty(dn.Get("/pid"));
    }
}
