// Overview
// /metrics in the Prometheus text exposition format 0.0.4: `# HELP` and `# TYPE` before each
// family, counters end in `_total`, label values escaped. Instance-wide counters are summed over
// every scoreboard slot, not only the workers alive now: slot counters survive respawns, so the
// sums never go down while the master runs (what Prometheus expects of a counter). Per-worker
// series and gauges come from the latest snapshot.

using System.Globalization;
using System.Text;
using DotnetWsgi.Native;

namespace DotnetWsgi.Manager.Observability;

public sealed class PrometheusFormatter(Scoreboard scoreboard, StatsReport report, KernelProbe probe)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";
    private const string Prefix = "dotnetwsgi_";

    public string Render(WorkerTableSnapshot snapshot)
    {
        var sb = new StringBuilder();
        var slots = Enumerable.Range(1, scoreboard.Workers).Select(scoreboard.Slot).ToArray();
        Counter(sb, "requests_total", "Requests served by all workers.", slots.Sum(s => s.Requests));
        Counter(sb, "exceptions_total", "Requests whose application raised an exception.", slots.Sum(s => s.Exceptions));
        Counter(sb, "harakiri_total", "Workers killed by harakiri.", slots.Sum(s => s.HarakiriCount));
        Counter(sb, "tx_bytes_total", "Response bytes sent (headers and body).", slots.Sum(s => s.TxBytes));
        Counter(sb, "request_head_timeouts_total", "Connections closed with 408: request head not complete within request-head-timeout (or silent for socket-timeout).", slots.Sum(s => s.HeadTimeouts));
        Family(sb, "responses_total", "counter", "Responses by HTTP status class.");
        for (int c = 1; c <= 5; c++)
            Sample(sb, "responses_total", Label("class", $"{c}xx"), slots.Sum(s => s.ResponsesOfClass(c)));
        Histogram(sb, slots);
        Gauge(sb, "requests_in_flight", "Requests being handled now.", snapshot.Workers.Sum(report.InFlight));
        WorkerFamilies(sb, snapshot);
        Family(sb, "worker_respawns_total", "counter", "Worker respawns by reason.");
        foreach (var (reason, count) in snapshot.RespawnReasons.OrderBy(r => r.Key, StringComparer.Ordinal))
            Sample(sb, "worker_respawns_total", Label("reason", reason), count);
        ScalingEvents(sb, snapshot);
        ListenQueue(sb, snapshot);
        Counter(sb, "log_dropped_total", "Log lines dropped because the logto file could not be written.", report.LogDropped());
        return sb.ToString();
    }

    private static void Histogram(StringBuilder sb, WorkerSlot[] slots)
    {
        const string name = "request_duration_seconds";
        Family(sb, name, "histogram", "Time from request start to the end of the response.");
        var bounds = WorkerSlot.LatencyBucketsUs;
        long cumulative = 0;
        for (int b = 0; b <= bounds.Length; b++)
        {
            cumulative += slots.Sum(s => s.LatencyBucketCount(b));
            string le = b < bounds.Length ? Seconds(bounds[b]) : "+Inf";
            Sample(sb, name + "_bucket", Label("le", le), cumulative);
        }
        sb.Append(Prefix).Append(name).Append("_sum ").Append(Seconds(slots.Sum(s => s.LatencySumUs))).Append('\n');
        Sample(sb, name + "_count", "", cumulative);
    }

    private void WorkerFamilies(StringBuilder sb, WorkerTableSnapshot snapshot)
    {
        Family(sb, "workers", "gauge", "Worker processes by phase.");
        foreach (var phase in Enum.GetValues<WorkerPhase>())
            Sample(sb, "workers", Label("phase", phase.ToString().ToLowerInvariant()), snapshot.Workers.Count(w => w.Phase == phase));
        Family(sb, "worker_requests_total", "counter", "Requests served by the worker id (across its respawns).");
        foreach (var w in snapshot.Workers.Where(HasSlot))
            Sample(sb, "worker_requests_total", Label("worker", w.Id.ToString(CultureInfo.InvariantCulture)), scoreboard.Slot(w.Id).Requests);
        Family(sb, "worker_rss_bytes", "gauge", "Resident memory of the worker process.");
        foreach (var w in snapshot.Workers)
            Sample(sb, "worker_rss_bytes", Label("worker", w.Id.ToString(CultureInfo.InvariantCulture)), probe.Memory(w.Pid)?.Rss ?? 0);
    }

    private static void ScalingEvents(StringBuilder sb, WorkerTableSnapshot snapshot)
    {
        Family(sb, "cheaper_events_total", "counter", "Moves of the worker count by direction (up, down) and reason (cheaper algorithm, +/- command).");
        var events = snapshot.ScalingEvents ?? new Dictionary<ScalingKey, long>();
        foreach (var (key, count) in events.OrderBy(e => e.Key.Direction, StringComparer.Ordinal).ThenBy(e => e.Key.Reason, StringComparer.Ordinal))
            Sample(sb, "cheaper_events_total", "{" + LabelPair("direction", key.Direction) + "," + LabelPair("reason", key.Reason) + "}", count);
    }

    private void ListenQueue(StringBuilder sb, WorkerTableSnapshot snapshot)
    {
        Family(sb, "listen_queue", "gauge", "Connections waiting in the socket's accept backlog (TCP; where the kernel tells).");
        foreach (var l in snapshot.Listeners)
            if (probe.ListenQueue(l) is { } queue) Sample(sb, "listen_queue", Label("socket", l.Name), queue);
    }

    private bool HasSlot(WorkerView w) => w.Id >= 1 && w.Id <= scoreboard.Workers;

    private static void Counter(StringBuilder sb, string name, string help, long value)
    {
        Family(sb, name, "counter", help);
        Sample(sb, name, "", value);
    }

    private static void Gauge(StringBuilder sb, string name, string help, long value)
    {
        Family(sb, name, "gauge", help);
        Sample(sb, name, "", value);
    }

    private static void Family(StringBuilder sb, string name, string type, string help)
    {
        sb.Append("# HELP ").Append(Prefix).Append(name).Append(' ').Append(help).Append('\n');
        sb.Append("# TYPE ").Append(Prefix).Append(name).Append(' ').Append(type).Append('\n');
    }

    private static void Sample(StringBuilder sb, string name, string labels, long value)
        => sb.Append(Prefix).Append(name).Append(labels).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static string Label(string name, string value) => "{" + LabelPair(name, value) + "}";

    private static string LabelPair(string name, string value)
        => name + "=\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";

    private static string Seconds(long us) => (us / 1_000_000.0).ToString("R", CultureInfo.InvariantCulture);
}
