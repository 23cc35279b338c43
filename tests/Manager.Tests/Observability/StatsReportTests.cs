using System.Text.Json;
using System.Text.RegularExpressions;
using DotnetWsgi.Manager.Observability;

namespace DotnetWsgi.Manager.Tests.Observability;

public sealed partial class StatsReportTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1795310858);

    [Fact]
    public void Render_HasTheReferenceSampleKeyPathsInOrder_WhenAWorkerIsBusy()
    {
        using var fx = new StatsFixture().WithSampleTraffic();
        string ours = fx.Report().Render(fx.Snapshot(Now), minified: false);
        string sample = File.ReadAllText(StatsFixture.DataFile("uwsgi-2.0.21-sample.json"));
        Assert.Equal(KeyPaths(sample), KeyPaths(ours));
    }

    [Fact]
    public void Render_MatchesTheReferenceSampleLayoutLineByLine_ExceptValues()
    {
        using var fx = new StatsFixture().WithSampleTraffic();
        string ours = fx.Report().Render(fx.Snapshot(Now), minified: false);
        string sample = File.ReadAllText(StatsFixture.DataFile("uwsgi-2.0.21-sample.json"));
        Assert.Equal(Skeleton(sample), Skeleton(ours));
    }

    [Fact]
    public void Render_MatchesRealUwsgiMinifiedLayout_WhenMinified()
    {
        using var fx = new StatsFixture(processes: 1);
        var snapshot = fx.Snapshot(Now, false, WorkerPhase.Ready) with { Listeners = [StatsFixture.Listeners[0]] };
        string ours = fx.Report().Render(snapshot, minified: true);
        string real = File.ReadAllText(StatsFixture.DataFile("uwsgi-2.0.21-minified.json"));
        Assert.DoesNotContain('\n', ours);
        Assert.Equal(ValuePattern().Replace(real, "$1V"), ValuePattern().Replace(ours, "$1V"));
    }

    [Fact]
    public void Render_EqualsTheGoldenFile_ForFixedData()
    {
        using var fx = new StatsFixture().WithSampleTraffic();
        string ours = fx.Report().Render(fx.Snapshot(Now), minified: false);
        Assert.Equal(File.ReadAllText(StatsFixture.DataFile("fixed.expected.json")), ours);
    }

    [Fact]
    public void Render_FillsCountersFromTheScoreboardAndProbe()
    {
        using var fx = new StatsFixture().WithSampleTraffic();
        using var doc = JsonDocument.Parse(fx.Report().Render(fx.Snapshot(Now), minified: false));
        var root = doc.RootElement;
        Assert.Equal(6, root.GetProperty("listen_queue").GetInt64());
        Assert.Equal(1, root.GetProperty("load").GetInt64());
        var busy = root.GetProperty("workers")[0];
        var idle = root.GetProperty("workers")[1];
        Assert.Equal("busy", busy.GetProperty("status").GetString());
        Assert.Equal("idle", idle.GetProperty("status").GetString());
        Assert.Equal(1, idle.GetProperty("requests").GetInt64());
        Assert.Equal(66, idle.GetProperty("tx").GetInt64());
        Assert.Equal(188, idle.GetProperty("running_time").GetInt64());
        Assert.Equal(16614 * 1000L, idle.GetProperty("rss").GetInt64());
        Assert.Equal(1, idle.GetProperty("respawn_count").GetInt64());
        var core = busy.GetProperty("cores")[0];
        Assert.Equal(1, core.GetProperty("in_request").GetInt64());
        Assert.Equal(StatsFixture.RequestStartMs / 1000, core.GetProperty("req_info").GetProperty("request_start").GetInt64());
        Assert.Equal(["REQUEST_METHOD=GET", "REQUEST_URI=/sleep/3", ""], core.GetProperty("vars").EnumerateArray().Select(v => v.GetString()!));
    }

    [Fact]
    public void Render_HidesRequestVars_UnlessStatsRequestVarsIsOn()
    {
        using var fx = new StatsFixture(requestVars: false).WithSampleTraffic();
        using var doc = JsonDocument.Parse(fx.Report().Render(fx.Snapshot(Now), minified: false));
        var core = doc.RootElement.GetProperty("workers")[0].GetProperty("cores")[0];
        Assert.Equal(1, core.GetProperty("in_request").GetInt64());
        Assert.Equal(0, core.GetProperty("vars").GetArrayLength());
    }

    [Fact]
    public void StatsJsonWriter_EscapesStrings()
    {
        var w = new StatsJsonWriter(minified: true);
        w.OpenObject();
        w.Value("cwd", "a\"b\\c\nd\u0001");
        w.CloseObject();
        Assert.Equal("{\"cwd\":\"a\\\"b\\\\c\\nd\\u0001\"}", w.ToString());
        Assert.Equal("a\"b\\c\nd\u0001", JsonDocument.Parse(w.ToString()).RootElement.GetProperty("cwd").GetString());
    }

    /// <summary>Every distinct key path in document order (list items collapse to []).</summary>
    private static List<string> KeyPaths(string json)
    {
        var paths = new List<string>();
        using var doc = JsonDocument.Parse(json);
        Walk(doc.RootElement, "", paths);
        return paths.Distinct().ToList();
    }

    private static void Walk(JsonElement e, string path, List<string> paths)
    {
        if (e.ValueKind == JsonValueKind.Object)
            foreach (var p in e.EnumerateObject())
            {
                paths.Add(path + "." + p.Name);
                Walk(p.Value, path + "." + p.Name, paths);
            }
        else if (e.ValueKind == JsonValueKind.Array)
            foreach (var item in e.EnumerateArray()) Walk(item, path + "[]", paths);
    }

    /// <summary>The text with every value replaced by V and the raw `vars` strings dropped.</summary>
    private static string Skeleton(string json)
        => string.Join('\n', json.Split('\n').Where(l => !l.StartsWith('"')).Select(l => ValuePattern().Replace(l, "$1V")));

    [GeneratedRegex("(\"[^\"]*\":)(\"(?:[^\"\\\\]|\\\\.)*\"|-?[0-9]+)")]
    private static partial Regex ValuePattern();
}
