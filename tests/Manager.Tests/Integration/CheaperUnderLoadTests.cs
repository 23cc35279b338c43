// cheaper against the published binary: one worker at rest, more under load, back to one after;
// the stats show the empty slots as uWSGI does (`"pid": 0, "status": "cheap"`); no request fails.

using System.Net.Sockets;
using System.Text.Json;
using DotnetWsgi.Manager.Tests.Nginx;
using DotnetWsgi.Manager.Tests.Support;

namespace DotnetWsgi.Manager.Tests.Integration;

[Collection("real processes")]
public class CheaperUnderLoadTests
{
    [BinaryFact]
    public void Spare_ScalesUpUnderLoad_AndBackDown_ShowingCheapWorkersInStats()
    {
        int statsPort = Repo.FreePort();
        using var dn = new BinaryInstance(4, "cheaper = 1", "cheaper-overload = 1", $"stats = 127.0.0.1:{statsPort}").WaitServing();
        Wait.Until(() => Workers(statsPort).Count(w => w.Status == "cheap") == 3, "three cheap workers at rest");
        Assert.All(Workers(statsPort).Where(w => w.Status == "cheap"), w => Assert.Equal(0, w.Pid));

        int most = 0;
        using (var load = new LoadLoop(dn.Port, "/sleep?s=0.2", clients: 3))
        {
            Wait.Until(() => (most = Math.Max(most, Workers(statsPort).Count(w => w.Accepting))) >= 3, "three accepting workers under load", TimeSpan.FromSeconds(90));
            load.Stop();
            Assert.True(load.Failed == 0, $"{load.Failed} failed: {load.Errors}");
        }
        Wait.Until(() => Workers(statsPort).Count(w => w.Accepting) == 1, "back to one worker at rest", TimeSpan.FromSeconds(90));
        Assert.True(dn.Logged("cheaping one worker"));
        Assert.NotEmpty(dn.Get("/pid"));
    }

    private sealed record Worker(int Pid, string Status, bool Accepting);

    private static List<Worker> Workers(int statsPort)
    {
        using var client = new TcpClient("127.0.0.1", statsPort);
        using var json = JsonDocument.Parse(client.GetStream());
        return json.RootElement.GetProperty("workers").EnumerateArray()
            .Select(w => new Worker(w.GetProperty("pid").GetInt32(), w.GetProperty("status").GetString()!, w.GetProperty("accepting").GetInt32() == 1))
            .ToList();
    }
}
