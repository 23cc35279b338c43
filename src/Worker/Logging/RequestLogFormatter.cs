// Overview
// Formats the per-request log line. Today this is uWSGI's default format (reference §10.2):
// [pid: P|app: A|req: W/I] ADDR (USER) {N vars in B bytes} [ctime] METHOD URI => generated N bytes
// in N msecs (PROTO STATUS) N headers in N bytes (N switches on core C)
// `log-format` tokens and JSON lines belong here too, as other Format methods over the same entry.
// Whether a line is written at all (disable-logging, log-4xx, log-5xx) is decided by ShouldLog, so a
// worker with logging disabled never formats anything.

using System.Globalization;
using System.Text;
using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Worker.Logging;

public sealed class RequestLogFormatter(ServerOptions options)
{
    private readonly StringBuilder _sb = new(256);

    public bool ShouldLog(int status)
        => !options.DisableLogging
            || (options.Log4xx && status is >= 400 and < 500)
            || (options.Log5xx && status is >= 500 and < 600);

    /// <summary>The default uWSGI line. Not thread-safe: one formatter per serving thread.</summary>
    public string Format(RequestLogEntry e)
    {
        var sb = _sb.Clear();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"[pid: {e.Pid}|app: {e.AppId}|req: {e.WorkerRequests}/{e.InstanceRequests}] ");
        sb.Append(e.RemoteAddr).Append(" (").Append(e.RemoteUser).Append(") ");
        sb.Append(inv, $"{{{e.VarEntries} vars in {e.VarsBytes} bytes}} [");
        AppendCTime(sb, e.Start.ToLocalTime());
        sb.Append("] ").Append(e.Method).Append(' ').Append(e.Uri);
        if (options.LogMicros) sb.Append(inv, $" => generated {e.BodyBytes} bytes in {e.DurationMicros} micros");
        else sb.Append(inv, $" => generated {e.BodyBytes} bytes in {e.DurationMicros / 1000} msecs");
        sb.Append(" (").Append(e.Protocol).Append(' ').Append(e.Status.ToString(inv)).Append(") ");
        sb.Append(inv, $"{e.Headers} headers in {e.HeadBytes} bytes ({e.Switches} switches on core {e.Core})");
        return sb.ToString();
    }

    /// <summary>C's ctime() without the newline: "Sun Nov  2 01:27:50 2026" (day padded with a space).</summary>
    public static void AppendCTime(StringBuilder sb, DateTimeOffset t)
    {
        var inv = CultureInfo.InvariantCulture;
        sb.Append(t.ToString("ddd MMM ", inv)).Append(t.Day.ToString(inv).PadLeft(2)).Append(t.ToString(" HH:mm:ss yyyy", inv));
    }

    public static string CTime(DateTimeOffset t)
    {
        var sb = new StringBuilder(24);
        AppendCTime(sb, t);
        return sb.ToString();
    }
}
