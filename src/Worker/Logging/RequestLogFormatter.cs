// Overview
// Formats the per-request log line. Today this is uWSGI's default format:
// [pid: P|app: A|req: W/I] ADDR (USER) {N vars in B bytes} [ctime] METHOD URI => generated N bytes
// in N msecs (PROTO STATUS) N headers in N bytes (N switches on core C)
// With `log-format` the compiled LogFormat renders the line instead; with `log-format-json = true`
// JsonRequestLog writes one JSON object (it wins over log-format).
// Whether a line is written at all (disable-logging, log-4xx, log-5xx) is decided by ShouldLog, so a
// worker with logging disabled never formats anything.

using System.Globalization;
using System.Text;
using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Worker.Logging;

public sealed class RequestLogFormatter(ServerOptions options)
{
    private readonly StringBuilder _sb = new(256);
    private readonly LogFormat? _custom = string.IsNullOrEmpty(options.LogFormat) ? null : LogFormat.Compile(options.LogFormat);
    private readonly JsonRequestLog? _json = options.LogFormatJson ? new JsonRequestLog() : null;

    public bool ShouldLog(int status)
        => !options.DisableLogging
            || (options.Log4xx && status is >= 400 and < 500)
            || (options.Log5xx && status is >= 500 and < 600);

    /// <summary>The request line in the configured format. Not thread-safe: one formatter per serving thread.</summary>
    public string Format(RequestLogEntry e)
    {
        if (_json is not null) return _json.Format(e, e.Vars);
        if (_custom is not null)
        {
            _custom.Append(_sb.Clear(), e, e.Vars);
            return _sb.ToString();
        }
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
