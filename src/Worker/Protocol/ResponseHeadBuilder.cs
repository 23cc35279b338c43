// Overview
// Builds an HTTP/1.x response head in a reusable pinned buffer, without touching a socket:
//   <protocol> SP <status text> CRLF  *( <app header name> ": " <value> CRLF )  [framing headers]  CRLF
// App headers go out exactly as given; the builder only notes the ones that matter for framing
// (Content-Length, Transfer-Encoding, Connection: close). Framing headers the server adds (on HTTP
// sockets only) are appended by Finish. The buffer is pinned so the sender can gather it with the
// body in one sendmsg without copying.

using System.Buffers.Text;

namespace DotnetWsgi.Worker.Protocol;

public sealed class ResponseHeadBuilder
{
    private byte[] _buffer = GC.AllocateUninitializedArray<byte>(4096, pinned: true);
    private int _length;

    public int StatusCode { get; private set; }
    /// <summary>Content-Length the app declared, or -1.</summary>
    public long DeclaredLength { get; private set; } = -1;
    public bool AppSentTransferEncoding { get; private set; }
    public bool AppSentConnectionClose { get; private set; }
    /// <summary>Header lines in the head (app's and added ones), for the request log.</summary>
    public int HeaderCount { get; private set; }
    public bool Started => StatusCode != 0;

    /// <summary>The head built so far (complete after Finish). The array is pinned.</summary>
    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, _length);
    public byte[] PinnedBuffer => _buffer;
    public int Length => _length;

    public void Reset()
    {
        _length = 0;
        StatusCode = 0;
        DeclaredLength = -1;
        AppSentTransferEncoding = AppSentConnectionClose = false;
        HeaderCount = 0;
    }

    /// <summary>Starts (or restarts) the head with "protocol status".</summary>
    public void Start(ReadOnlySpan<byte> protocol, ReadOnlySpan<byte> status)
    {
        Reset();
        if (status.Length < 3 || !Utf8Parser.TryParse(status[..3], out int code, out int used) || used != 3 || code < 100 || code > 999)
            throw new ArgumentException($"invalid HTTP status \"{System.Text.Encoding.Latin1.GetString(status)}\"");
        RejectLineBreaks(status, "status");
        StatusCode = code;
        Append(protocol);
        Append(" "u8);
        Append(status);
        Append("\r\n"u8);
    }

    public void AddHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (!Started) throw new InvalidOperationException("header added before the status");
        if (!HttpRequestParser.IsToken(name))
            throw new ArgumentException($"invalid header name \"{System.Text.Encoding.Latin1.GetString(name)}\"");
        RejectLineBreaks(value, "header value");
        if (System.Text.Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            DeclaredLength = Utf8Parser.TryParse(value, out long n, out int used) && used == value.Length && n >= 0 ? n : -1;
        else if (System.Text.Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8)) AppSentTransferEncoding = true;
        else if (System.Text.Ascii.EqualsIgnoreCase(name, "Connection"u8) && ContainsClose(value)) AppSentConnectionClose = true;
        AppendHeader(name, value);
    }

    /// <summary>Adds a header chosen by the server (framing, Connection).</summary>
    public void AddServerHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => AppendHeader(name, value);

    public void AddServerHeader(ReadOnlySpan<byte> name, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int written);
        AppendHeader(name, digits[..written]);
    }

    /// <summary>Ends the head with the empty line.</summary>
    public void Finish() => Append("\r\n"u8);

    private void AppendHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Append(name);
        Append(": "u8);
        Append(value);
        Append("\r\n"u8);
        HeaderCount++;
    }

    private static bool ContainsClose(ReadOnlySpan<byte> value)
    {
        foreach (var range in value.Split((byte)','))
            if (System.Text.Ascii.EqualsIgnoreCase(value[range].Trim((byte)' '), "close"u8)) return true;
        return false;
    }

    private static void RejectLineBreaks(ReadOnlySpan<byte> text, string what)
    {
        if (text.IndexOfAny((byte)'\r', (byte)'\n') >= 0)
            throw new ArgumentException($"response {what} contains a line break");
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length > _buffer.Length)
        {
            var bigger = GC.AllocateUninitializedArray<byte>(Math.Max(_buffer.Length * 2, _length + bytes.Length), pinned: true);
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            _buffer = bigger;
        }
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }
}
