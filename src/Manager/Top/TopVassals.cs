// `top` on an Emperor's stats socket (`emperor-stats`): one row per vassal from `vassals` and from
// `blacklist` (vassals waiting out a throttle). The keys read are those of uWSGI's Emperor stats
// (id, pid, respawns, loyal; attempt and throttle_level in the blacklist) plus dotnetwsgi's status
// and reloads where present, so a real uWSGI Emperor can be watched too.

using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace DotnetWsgi.Manager.Top;

public sealed record TopVassal(string Id, int Pid, string Status, int Respawns, int Reloads, bool Loyal, long ThrottleMs)
{
    public static List<TopVassal> ParseAll(JsonElement root)
    {
        var list = root.GetProperty("vassals").EnumerateArray().Select(v => new TopVassal(v.GetProperty("id").GetString() ?? "",
            v.GetProperty("pid").GetInt32(), Text(v, "status") ?? "running", Int(v, "respawns"), Int(v, "reloads"), Int(v, "loyal") != 0, 0)).ToList();
        if (root.TryGetProperty("blacklist", out var blacklist))
            list.AddRange(blacklist.EnumerateArray().Select(b => new TopVassal(b.GetProperty("id").GetString() ?? "", 0, "throttled",
                Int(b, "attempt"), 0, false, b.TryGetProperty("throttle_level", out var t) ? t.GetInt64() : 0)));
        return list;
    }

    private static string? Text(JsonElement e, string key) => e.TryGetProperty(key, out var v) ? v.GetString() : null;
    private static int Int(JsonElement e, string key) => e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
}

public static class VassalView
{
    public static IRenderable Render(IRenderable header, TopModel model, string? error)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in (string[])["VASSAL", "PID", "STATUS", "RESPAWNS", "RELOADS", "LOYAL", "THROTTLE"]) table.AddColumn(column);
        foreach (var v in model.Vassals!)
            table.AddRow(new Text(v.Id), new Text(v.Pid == 0 ? "-" : v.Pid.ToString(CultureInfo.InvariantCulture)), Status(v.Status),
                new Text(v.Respawns.ToString(CultureInfo.InvariantCulture)), new Text(v.Reloads.ToString(CultureInfo.InvariantCulture)),
                new Text(v.Loyal ? "yes" : "no"), new Text(v.ThrottleMs == 0 ? "-" : $"{v.ThrottleMs} ms"));
        var totals = new Markup($"[bold]{model.Vassals!.Count}[/] vassals, [bold]{model.Vassals.Count(v => v.Status == "running")}[/] running  " +
            $"[grey]Emperor pid {model.Pid}, {Markup.Escape(model.Version)}[/]");
        var rows = new List<IRenderable> { header, table, totals };
        if (error is not null) rows.Add(new Markup($"[red]{Markup.Escape(error)}[/]"));
        return new Rows(rows);
    }

    private static Markup Status(string status) => new(status switch
    {
        "running" => "[green]running[/]",
        "throttled" => "[red]throttled[/]",
        "stopping" => "[yellow]stopping[/]",
        _ => Markup.Escape(status),
    });
}
