// Overview
// An HTTP/1.0 and HTTP/1.1 request head, parsed from a byte buffer into the CGI vars uWSGI's
// http-socket gives, without touching a socket.
//
// Wire format (RFC 9112):
//   *( CRLF )                                  empty lines before a request are skipped
//   method SP request-target SP HTTP/1.x CRLF
//   *( field-name ":" OWS field-value OWS CRLF )
//   CRLF
//   body framed by Content-Length or Transfer-Encoding: chunked (read by the body reader)
//
// Vars, in this order: REQUEST_METHOD, REQUEST_URI (raw; for an absolute-form target its path and
// query only), PATH_INFO (percent-decoded, %2F included),
// QUERY_STRING (raw, "" if none), SERVER_PROTOCOL, SCRIPT_NAME (""), SERVER_NAME (host name),
// SERVER_PORT ("80" on unix sockets), REMOTE_ADDR, REMOTE_PORT (a deliberate addition: uWSGI's
// http-socket omits it, nginx's uwsgi_params sends it; apps and log formats use it), then every header
// as HTTP_NAME (upper-case, '-' -> '_', repeats merged with ", ") except Content-Type/Content-Length,
// which become CONTENT_TYPE/CONTENT_LENGTH with no HTTP_ copy. A header whose name contains '_' is
// dropped (it would share a var with the dashed name a proxy vouches for) unless the caller keeps
// them; an absolute-form target's authority becomes HTTP_HOST in place of any Host header.
//
// Errors: a head longer than buffer-size -> 431; a malformed request line or target, a header
// without ':', obsolete line folding, a bad or conflicting Content-Length, Content-Length with
// chunked, a Transfer-Encoding that does not end in one chunked (or any on HTTP/1.0), two Host
// headers or an unsupported HTTP version -> 400 with the reason; a transfer coding other than
// chunked, or CONNECT -> 501. docs/http-parsing.md lists every rule.

using DotnetWsgi.Worker.Hosting;

namespace DotnetWsgi.Worker.Protocol;

/// <summary>Connection-level values the parser copies into every request's vars.</summary>
public readonly ref struct HttpServerVars
{
    public required ReadOnlySpan<byte> ServerName { get; init; }
    public required ReadOnlySpan<byte> ServerPort { get; init; }
    public required ReadOnlySpan<byte> RemoteAddr { get; init; }
    /// <summary>Empty on unix sockets: REMOTE_PORT is then omitted.</summary>
    public required ReadOnlySpan<byte> RemotePort { get; init; }
}

public static partial class HttpRequestParser
{
    /// <summary>
    /// Parses one request head at the start of input into vars (cleared first) and head. Done.Consumed
    /// counts the skipped empty lines and the head through its final CRLF CRLF. Header fields whose
    /// name contains '_' are dropped unless keepUnderscoreHeaders (option underscores-in-headers).
    /// </summary>
    public static ParseResult Parse(ReadOnlySpan<byte> input, int bufferSize, int maxVars,
        in HttpServerVars server, RequestVars vars, out HttpRequestHead head, bool keepUnderscoreHeaders = false)
    {
        head = default;
        int skip = SkipEmptyLines(input);
        var data = input[skip..];
        int lineEnd = data.IndexOf("\r\n"u8);
        if (lineEnd < 0)
        {
            // input, not data: skipped empty lines count too, or endless CRLFs would fill the buffer
            if (input.Length >= bufferSize) return ParseResult.Fail(431, $"request head larger than buffer-size {bufferSize}");
            return HasControlBytes(data) ? ParseResult.Fail(400, "malformed request line") : ParseResult.NeedMore;
        }
        if (!TryParseRequestLine(data[..lineEnd], out var line, out var lineError))
            return ParseResult.Fail(400, lineError!);
        if (ClassifyTarget(data[..line.MethodLength], data.Slice(line.UriStart, line.UriLength), out var target) is { } targetError)
            return targetError;

        // skipped empty lines count against buffer-size here as in the partial case above, so a head
        // gets the same answer whether it arrives whole or in pieces (a fuzz-tool finding)
        int headEnd = data.IndexOf("\r\n\r\n"u8);
        if (headEnd < 0 || skip + headEnd + 4 > bufferSize)
        {
            if (input.Length >= bufferSize || skip + headEnd + 4 > bufferSize)
                return ParseResult.Fail(431, $"request head larger than buffer-size {bufferSize}");
            return ParseResult.NeedMore;
        }

        vars.Clear();
        AddRequestLineVars(data, line, target, in server, vars);
        var fields = data[(lineEnd + 2)..(headEnd + 2)];
        var authority = target.Form == TargetForm.Absolute ? data.Slice(line.UriStart + target.AuthorityStart, target.AuthorityLength) : default;
        var rules = new FieldRules(maxVars, line.Http11, keepUnderscoreHeaders, target.Form == TargetForm.Absolute, authority);
        if (ParseFields(fields, in rules, vars, ref head) is { } fieldError) return fieldError;
        head.Http11 = line.Http11;
        head.IsHead = data[..line.MethodLength].SequenceEqual("HEAD"u8);
        head.KeepAlive = line.Http11 ? !head.ConnectionClose : head.ConnectionKeepAlive;
        if (!line.Http11) head.Expect100 = false;
        return ParseResult.Done(skip + headEnd + 4);
    }

    private static int SkipEmptyLines(ReadOnlySpan<byte> input)
    {
        int i = 0;
        while (i + 1 < input.Length && input[i] == '\r' && input[i + 1] == '\n') i += 2;
        return i;
    }

    private static bool HasControlBytes(ReadOnlySpan<byte> partialLine)
    {
        for (int i = 0; i < partialLine.Length; i++)
        {
            byte b = partialLine[i];
            if ((b < 0x20 && !(b == '\r' && i == partialLine.Length - 1)) || b == 0x7f) return true;
        }
        return false;
    }

    private readonly record struct RequestLine(int MethodLength, int UriStart, int UriLength, int ProtoStart, bool Http11);

    private static bool TryParseRequestLine(ReadOnlySpan<byte> line, out RequestLine result, out string? error)
    {
        result = default;
        error = "malformed request line";
        int sp1 = line.IndexOf((byte)' ');
        if (sp1 <= 0 || !IsToken(line[..sp1])) return false;
        int sp2 = line[(sp1 + 1)..].IndexOf((byte)' ');
        if (sp2 <= 0) return false;
        sp2 += sp1 + 1;
        var uri = line[(sp1 + 1)..sp2];
        foreach (byte b in uri)
            if (b <= 0x20 || b == 0x7f) return false;
        var proto = line[(sp2 + 1)..];
        if (proto.Length != 8 || !proto.StartsWith("HTTP/"u8) || !IsDigit(proto[5]) || proto[6] != '.' || !IsDigit(proto[7]))
            return false;
        bool http11 = proto.SequenceEqual("HTTP/1.1"u8);
        if (!http11 && !proto.SequenceEqual("HTTP/1.0"u8))
        {
            error = $"unsupported HTTP version {System.Text.Encoding.ASCII.GetString(proto)}";
            return false;
        }
        result = new RequestLine(sp1, sp1 + 1, uri.Length, sp2 + 1, http11);
        error = null;
        return true;
    }

    private static void AddRequestLineVars(ReadOnlySpan<byte> data, in RequestLine line, in Target target, in HttpServerVars server, RequestVars vars)
    {
        var uri = data.Slice(line.UriStart + target.PathStart, target.PathLength);
        if (target.Form == TargetForm.Absolute && (uri.IsEmpty || uri[0] == '?'))
        {
            // "http://h" and "http://h?q" have an empty path: served as "/" and "/?q" (RFC 9112 §3.2.1)
            var rooted = new byte[uri.Length + 1];
            rooted[0] = (byte)'/';
            uri.CopyTo(rooted.AsSpan(1));
            uri = rooted;
        }
        int q = uri.IndexOf((byte)'?');
        var path = q < 0 ? uri : uri[..q];
        var query = q < 0 ? default : uri[(q + 1)..];
        vars.Add("REQUEST_METHOD"u8, data[..line.MethodLength]);
        vars.Add("REQUEST_URI"u8, uri);
        AddDecodedPath(path, vars);
        vars.Add("QUERY_STRING"u8, query);
        vars.Add("SERVER_PROTOCOL"u8, data.Slice(line.ProtoStart, 8));
        vars.Add("SCRIPT_NAME"u8, default);
        vars.Add("SERVER_NAME"u8, server.ServerName);
        vars.Add("SERVER_PORT"u8, server.ServerPort);
        vars.Add("REMOTE_ADDR"u8, server.RemoteAddr);
        if (!server.RemotePort.IsEmpty) vars.Add("REMOTE_PORT"u8, server.RemotePort);
    }

    private static void AddDecodedPath(ReadOnlySpan<byte> path, RequestVars vars)
    {
        if (path.IndexOf((byte)'%') < 0)
        {
            vars.Add("PATH_INFO"u8, path);
            return;
        }
        Span<byte> decoded = path.Length <= 1024 ? stackalloc byte[path.Length] : new byte[path.Length];
        vars.Add("PATH_INFO"u8, decoded[..PercentDecode(path, decoded)]);
    }

    /// <summary>Decodes %XX escapes (a malformed escape is kept literally); returns the length written.</summary>
    public static int PercentDecode(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        int w = 0;
        for (int i = 0; i < src.Length; i++)
        {
            if (src[i] == '%' && i + 2 < src.Length && HexValue(src[i + 1]) is int hi and >= 0 && HexValue(src[i + 2]) is int lo and >= 0)
            {
                dst[w++] = (byte)(hi * 16 + lo);
                i += 2;
            }
            else dst[w++] = src[i];
        }
        return w;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static bool IsDigit(byte b) => b >= '0' && b <= '9';

    /// <summary>RFC 9110 token characters (methods, field names).</summary>
    internal static bool IsToken(ReadOnlySpan<byte> s)
    {
        foreach (byte b in s)
        {
            bool ok = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || IsDigit(b)
                || "!#$%&'*+-.^_`|~"u8.IndexOf(b) >= 0;
            if (!ok) return false;
        }
        return !s.IsEmpty;
    }
}
