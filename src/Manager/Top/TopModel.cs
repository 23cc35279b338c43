// What `top` shows, read from a stats document: one row per worker and instance totals. Only the
// keys uWSGI's stats server has are used, so `top` also watches a real uWSGI instance.

using System.Text.Json;

namespace DotnetWsgi.Manager.Top;

public sealed record TopWorker(int Id, int Pid, string Status, long Requests, long Exceptions, long RssBytes, long AvgRtUs,
    string? Request, TimeSpan? Elapsed);

/// <param name="Vassals">Set when the document is an Emperor's (emperor-stats): its vassals instead of workers.</param>
public sealed record TopModel(string Version, int Pid, long ListenQueue, IReadOnlyList<TopWorker> Workers, IReadOnlyList<TopVassal>? Vassals = null)
{
    public long TotalRequests => Workers.Sum(w => w.Requests);
    public long TotalExceptions => Workers.Sum(w => w.Exceptions);
    public long TotalRss => Workers.Sum(w => w.RssBytes);
    public int Busy => Workers.Count(w => w.Status == "busy");

    /// <summary>Parses a stats document; now is for the elapsed time of in-flight requests.</summary>
    public static TopModel Parse(string json, DateTimeOffset now)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.TryGetProperty("vassals", out _))
            return new TopModel(root.GetProperty("version").GetString() ?? "", root.GetProperty("pid").GetInt32(), 0, [], TopVassal.ParseAll(root));
        var workers = root.GetProperty("workers").EnumerateArray().Select(w => Worker(w, now)).ToList();
        return new TopModel(root.GetProperty("version").GetString() ?? "", root.GetProperty("pid").GetInt32(),
            root.TryGetProperty("listen_queue", out var q) ? q.GetInt64() : 0, workers);
    }

    private static TopWorker Worker(JsonElement w, DateTimeOffset now)
    {
        string? request = null;
        TimeSpan? elapsed = null;
        var cores = w.TryGetProperty("cores", out var c) ? c.EnumerateArray().ToList() : [];
        foreach (var core in cores)
        {
            if (core.GetProperty("in_request").GetInt64() == 0) continue;
            request ??= RequestOf(core.GetProperty("vars"));
            if (core.GetProperty("req_info").TryGetProperty("request_start", out var start))
            {
                var e = now - DateTimeOffset.FromUnixTimeSeconds(start.GetInt64());
                if (elapsed is null || e > elapsed) elapsed = e < TimeSpan.Zero ? TimeSpan.Zero : e;
            }
        }
        return new TopWorker(w.GetProperty("id").GetInt32(), w.GetProperty("pid").GetInt32(), w.GetProperty("status").GetString() ?? "",
            w.GetProperty("requests").GetInt64(), w.GetProperty("exceptions").GetInt64(), w.GetProperty("rss").GetInt64(),
            w.GetProperty("avg_rt").GetInt64(), request ?? (elapsed is null ? null : "(request vars hidden)"), elapsed);
    }

    /// <summary>"METHOD URI" from a core's vars ("KEY=value" strings), or null when they are hidden.</summary>
    private static string? RequestOf(JsonElement vars)
    {
        string? method = null, uri = null;
        foreach (var v in vars.EnumerateArray())
        {
            var s = v.GetString() ?? "";
            if (s.StartsWith("REQUEST_METHOD=", StringComparison.Ordinal)) method = s[15..];
            else if (s.StartsWith("REQUEST_URI=", StringComparison.Ordinal)) uri = s[12..];
        }
        return method is null && uri is null ? null : $"{method} {uri}".Trim();
    }
}
