// Overview
// uWSGI's `log-format`: literal text with `%(name)` tokens, compiled once into a
// list of parts so a request only appends. Token meanings follow uWSGI 2.0.21 as observed: sizes
// and times of the finished request, request vars by name (`var.NAME`), the app's uwsgi.set_logvar
// values by their key, and `-` for anything unknown or empty. An unterminated `%(` stays literal.

using System.Globalization;
using System.Text;
using DotnetWsgi.Worker.Hosting;

namespace DotnetWsgi.Worker.Logging;

public sealed class LogFormat
{
    private enum Token
    {
        Literal, Var, Uri, Method, User, Addr, Host, Proto, UAgent, Referer, Status, RSize, HSize, Size, Cl,
        Micros, Msecs, Secs, TMsecs, TMicros, Time, LTime, FTime, CTime, Epoch, Pid, Wid, Switches, Vars,
        Core, Vsz, Rss, PktSize, Modifier1, Modifier2, Headers, Unknown,
    }

    private readonly record struct Part(Token Token, string Text, byte[]? VarName);

    private static readonly Dictionary<string, Token> Names = new(StringComparer.Ordinal)
    {
        ["uri"] = Token.Uri, ["method"] = Token.Method, ["user"] = Token.User, ["addr"] = Token.Addr,
        ["host"] = Token.Host, ["proto"] = Token.Proto, ["uagent"] = Token.UAgent, ["referer"] = Token.Referer,
        ["status"] = Token.Status, ["rsize"] = Token.RSize, ["hsize"] = Token.HSize, ["size"] = Token.Size,
        ["cl"] = Token.Cl, ["micros"] = Token.Micros, ["msecs"] = Token.Msecs, ["secs"] = Token.Secs,
        ["tmsecs"] = Token.TMsecs, ["tmicros"] = Token.TMicros, ["time"] = Token.Time, ["ltime"] = Token.LTime,
        ["ftime"] = Token.FTime, ["ctime"] = Token.CTime, ["epoch"] = Token.Epoch, ["pid"] = Token.Pid,
        ["wid"] = Token.Wid, ["switches"] = Token.Switches, ["vars"] = Token.Vars, ["core"] = Token.Core,
        ["vsz"] = Token.Vsz, ["rss"] = Token.Rss, ["pktsize"] = Token.PktSize, ["modifier1"] = Token.Modifier1,
        ["modifier2"] = Token.Modifier2, ["headers"] = Token.Headers,
    };

    private readonly Part[] _parts;
    private readonly TimeProvider _time;

    private LogFormat(Part[] parts, TimeProvider time)
    {
        _parts = parts;
        _time = time;
    }

    public static LogFormat Compile(string format, TimeProvider? time = null)
    {
        var parts = new List<Part>();
        var literal = new StringBuilder();
        int i = 0;
        while (i < format.Length)
        {
            int open = format.IndexOf("%(", i, StringComparison.Ordinal);
            int close = open < 0 ? -1 : format.IndexOf(')', open + 2);
            if (open < 0 || close < 0)
            {
                literal.Append(format, i, format.Length - i);
                break;
            }
            literal.Append(format, i, open - i);
            if (literal.Length > 0) parts.Add(new Part(Token.Literal, literal.ToString(), null));
            literal.Clear();
            parts.Add(TokenPart(format[(open + 2)..close]));
            i = close + 1;
        }
        if (literal.Length > 0) parts.Add(new Part(Token.Literal, literal.ToString(), null));
        return new LogFormat([.. parts], time ?? TimeProvider.System);
    }

    private static Part TokenPart(string name)
    {
        if (name.StartsWith("var.", StringComparison.Ordinal) && name.Length > 4)
            return new Part(Token.Var, name, Encoding.Latin1.GetBytes(name[4..]));
        return new Part(Names.GetValueOrDefault(name, Token.Unknown), name, null);
    }

    /// <summary>Appends the line for one finished request. vars may be null (then var tokens print `-`).</summary>
    public void Append(StringBuilder sb, RequestLogEntry e, RequestVars? vars)
    {
        foreach (var part in _parts)
        {
            if (part.Token == Token.Literal) sb.Append(part.Text);
            else AppendValue(sb, part, e, vars);
        }
    }

    private void AppendValue(StringBuilder sb, Part part, RequestLogEntry e, RequestVars? vars)
    {
        var inv = CultureInfo.InvariantCulture;
        switch (part.Token)
        {
            case Token.Var: Var(sb, vars, part.VarName!); break;
            case Token.Uri: Text(sb, e.Uri); break;
            case Token.Method: Text(sb, e.Method); break;
            case Token.User: Text(sb, e.RemoteUser); break;
            case Token.Addr: Text(sb, e.RemoteAddr); break;
            case Token.Host: Var(sb, vars, "HTTP_HOST"u8); break;
            case Token.Proto: Text(sb, e.Protocol); break;
            case Token.UAgent: Var(sb, vars, "HTTP_USER_AGENT"u8); break;
            case Token.Referer: Var(sb, vars, "HTTP_REFERER"u8); break;
            case Token.Cl: Var(sb, vars, "CONTENT_LENGTH"u8); break;
            case Token.Status: sb.Append(e.Status); break;
            case Token.RSize: sb.Append(e.BodyBytes); break;
            case Token.HSize: sb.Append(e.HeadBytes); break;
            case Token.Size: sb.Append(e.BodyBytes + e.HeadBytes); break;
            case Token.Micros: sb.Append(e.DurationMicros); break;
            case Token.Msecs: sb.Append(e.DurationMicros / 1000); break;
            case Token.Secs: sb.Append((e.DurationMicros / 1_000_000.0).ToString("0.000000", inv)); break;
            case Token.TMsecs: sb.Append(e.Start.ToUnixTimeMilliseconds()); break;
            case Token.TMicros: sb.Append(e.Start.ToUnixTimeMilliseconds() * 1000 + e.Start.Ticks / 10 % 1000); break;
            case Token.Time: sb.Append(e.Start.ToUnixTimeSeconds()); break;
            case Token.LTime or Token.FTime: sb.Append(e.Start.ToLocalTime().ToString("dd/MMM/yyyy:HH:mm:ss ", inv)).Append(Offset(e.Start.ToLocalTime())); break;
            case Token.CTime: RequestLogFormatter.AppendCTime(sb, e.Start.ToLocalTime()); break;
            case Token.Epoch: sb.Append(_time.GetUtcNow().ToUnixTimeSeconds()); break;
            case Token.Pid: sb.Append(e.Pid); break;
            case Token.Wid: sb.Append(e.WorkerId); break;
            case Token.Switches: sb.Append(e.Switches); break;
            case Token.Vars: sb.Append(e.VarEntries); break;
            case Token.Core: sb.Append(e.Core); break;
            case Token.Vsz: sb.Append(e.VszBytes); break;
            case Token.Rss: sb.Append(e.RssBytes); break;
            case Token.PktSize: sb.Append(e.VarsBytes); break;
            case Token.Modifier1 or Token.Modifier2: sb.Append('0'); break;
            case Token.Headers: sb.Append(e.Headers); break;
            default: sb.Append(e.LogVars?.GetValueOrDefault(part.Text) is { Length: > 0 } v ? v : "-"); break;
        }
    }

    private static string Offset(DateTimeOffset t)
    {
        var o = t.Offset;
        return (o < TimeSpan.Zero ? "-" : "+") + o.Duration().ToString("hhmm", CultureInfo.InvariantCulture);
    }

    private static void Text(StringBuilder sb, string value) => sb.Append(value.Length == 0 ? "-" : value);

    private static void Var(StringBuilder sb, RequestVars? vars, ReadOnlySpan<byte> name)
    {
        if (vars is not null && vars.TryGet(name, out var value) && value.Length > 0)
        {
            foreach (byte b in value) sb.Append((char)b); // Latin-1, as the default line
        }
        else sb.Append('-');
    }
}
