// Renders a TopModel as a Spectre.Console table: a header line, one row per worker, totals.

using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace DotnetWsgi.Manager.Top;

public static class TopView
{
    public static IRenderable Render(string address, TopModel? model, string? error, DateTimeOffset now)
    {
        var header = new Markup($"[bold]dotnetwsgi top[/] {Markup.Escape(address)}  {now.ToLocalTime():HH:mm:ss}  [grey](q or Ctrl-C to quit)[/]");
        if (model is null) return new Rows(header, new Markup($"[red]{Markup.Escape(error ?? "waiting for stats...")}[/]"));
        if (model.Vassals is not null) return VassalView.Render(header, model, error);
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in (string[])["WID", "PID", "STATUS", "REQ", "EXC", "RSS", "AVG RT", "REQUEST", "ELAPSED"]) table.AddColumn(column);
        foreach (var w in model.Workers)
            table.AddRow(Cell(w.Id), Cell(w.Pid), StatusCell(w.Status), Cell(w.Requests), Cell(w.Exceptions), new Text(Bytes(w.RssBytes)),
                new Text(Duration(w.AvgRtUs)), new Text(w.Request ?? "-"), new Text(w.Elapsed is { } e ? $"{e.TotalSeconds:0.0}s" : "-"));
        var totals = new Markup(
            $"[bold]{model.Workers.Count}[/] workers, [bold]{model.Busy}[/] busy, requests [bold]{model.TotalRequests}[/], " +
            $"exceptions [bold]{model.TotalExceptions}[/], RSS [bold]{Bytes(model.TotalRss)}[/], listen queue [bold]{model.ListenQueue}[/]  " +
            $"[grey]master pid {model.Pid}, {Markup.Escape(model.Version)}[/]");
        var rows = new List<IRenderable> { header, table, totals };
        if (error is not null) rows.Add(new Markup($"[red]{Markup.Escape(error)}[/]"));
        return new Rows(rows);
    }

    private static Text Cell(long value) => new(value.ToString(CultureInfo.InvariantCulture));

    private static Markup StatusCell(string status) => new(status switch
    {
        "busy" => "[yellow]busy[/]",
        "idle" => "[green]idle[/]",
        _ => Markup.Escape(status),
    });

    internal static string Bytes(long bytes) => bytes switch
    {
        0 => "-",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0}K",
        < 1024L * 1024 * 1024 => $"{bytes / 1024.0 / 1024:0.0}M",
        _ => $"{bytes / 1024.0 / 1024 / 1024:0.00}G",
    };

    internal static string Duration(long us) => us switch
    {
        0 => "-",
        < 1000 => $"{us}us",
        < 1_000_000 => $"{us / 1000.0:0.0}ms",
        _ => $"{us / 1_000_000.0:0.00}s",
    };
}
