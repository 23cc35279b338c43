// The `spoolers` section: uWSGI 2.0.21's layout (captured from real uWSGI with `spooler-processes = 2`:
// one entry per spooler process, after `workers`), and absent when no spooler runs.

using System.Text.Json;
using DotnetWsgi.Manager.Observability;

namespace DotnetWsgi.Manager.Tests.Observability;

public sealed partial class StatsReportTests
{
    [Fact]
    public void Render_ListsEachSpoolerProcess_AfterTheWorkers_InUwsgisLayout()
    {
        using var fx = new StatsFixture();
        var report = fx.Report();
        report.Spoolers = () => [new SpoolerView("/srv/spool", 4100, 7, 0, false), new SpoolerView("/srv/spool", 4101, 3, 1, true)];
        string ours = report.Render(fx.Snapshot(Now), minified: false);
        string real = File.ReadAllText(StatsFixture.DataFile("uwsgi-2.0.21-spoolers.json"));
        Assert.Equal(Skeleton(Tail(real)), Skeleton(Tail(ours)));

        using var doc = JsonDocument.Parse(ours);
        var spoolers = doc.RootElement.GetProperty("spoolers");
        Assert.Equal("spoolers", doc.RootElement.EnumerateObject().Last().Name);
        Assert.Equal(2, spoolers.GetArrayLength());
        Assert.Equal("/srv/spool", spoolers[1].GetProperty("dir").GetString());
        Assert.Equal(4101, spoolers[1].GetProperty("pid").GetInt32());
        Assert.Equal(3, spoolers[1].GetProperty("tasks").GetInt32());
        Assert.Equal(1, spoolers[1].GetProperty("respawns").GetInt32());
        Assert.Equal(1, spoolers[1].GetProperty("running").GetInt32());
        Assert.Equal(0, spoolers[0].GetProperty("running").GetInt32());
    }

    [Fact]
    public void Render_HasNoSpoolersOrMulesSection_WithoutSpoolers()
    {
        using var fx = new StatsFixture();
        using var doc = JsonDocument.Parse(fx.Report().Render(fx.Snapshot(Now), minified: false));
        Assert.False(doc.RootElement.TryGetProperty("spoolers", out _));
        Assert.False(doc.RootElement.TryGetProperty("mules", out _));
    }

    /// <summary>From the spoolers key to the end of the document.</summary>
    private static string Tail(string json) => json[json.IndexOf("\t\"spoolers\"", StringComparison.Ordinal)..].TrimEnd();
}
