// A blocking test client over a real socket with a minimal HTTP/1.1 response reader
// (Content-Length, chunked, or close-delimited bodies). Every read has a 30 s deadline.

using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DotnetWsgi.Worker.Tests.Serving;

public sealed record HttpReply(string StatusLine, Dictionary<string, string> Headers, string Body, string RawHead)
{
    public int Status => int.Parse(StatusLine.Split(' ')[1]);
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;
}

public sealed class TestClient : IDisposable
{
    private readonly MemoryStream _pending = new();
    public Socket Socket { get; }

    public TestClient(EndPoint endPoint)
    {
        Socket = new Socket(endPoint.AddressFamily, SocketType.Stream, endPoint is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp)
        {
            ReceiveTimeout = 30000,
            SendTimeout = 30000,
        };
        Socket.Connect(endPoint);
    }

    public void Send(string text) => Send(Encoding.Latin1.GetBytes(text));
    public void Send(byte[] bytes) => Socket.Send(bytes);

    /// <summary>
    /// Receives until everything received so far contains needle (each receive waits up to 30 s);
    /// returns that text and keeps it buffered.
    /// </summary>
    public string ReadUntil(string needle)
    {
        var buf = new byte[65536];
        string text;
        while (!(text = Encoding.Latin1.GetString(_pending.ToArray())).Contains(needle, StringComparison.Ordinal))
        {
            int n = Socket.Receive(buf);
            if (n == 0) break;
            _pending.Write(buf, 0, n);
        }
        return text;
    }

    /// <summary>Reads until the peer closes; returns everything received.</summary>
    public string ReadToClose()
    {
        var buf = new byte[65536];
        int n;
        while ((n = Socket.Receive(buf)) > 0) _pending.Write(buf, 0, n);
        var text = Encoding.Latin1.GetString(_pending.ToArray());
        _pending.SetLength(0);
        return text;
    }

    /// <summary>True when the peer closed the connection (reads EOF within 30 s).</summary>
    public bool IsClosedByPeer()
    {
        try { return Socket.Receive(new byte[1]) == 0; }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset) { return true; }
    }

    public HttpReply ReadResponse(bool headRequest = false)
    {
        string head = ReadHead();
        var lines = head.Split("\r\n");
        var headers = new Dictionary<string, string>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            int c = line.IndexOf(':');
            headers[line[..c].ToLowerInvariant()] = line[(c + 1)..].Trim();
        }
        string body;
        if (headRequest || lines[0].Contains(" 100 ")) body = "";
        else if (headers.TryGetValue("content-length", out var cl)) body = ReadExactly(int.Parse(cl));
        else if (headers.TryGetValue("transfer-encoding", out var te) && te == "chunked") body = ReadChunked();
        else body = ReadToClose();
        return new HttpReply(lines[0], headers, body, head);
    }

    private string ReadHead()
    {
        while (true)
        {
            var text = Encoding.Latin1.GetString(_pending.ToArray());
            int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                Consume(end + 4);
                return text[..end];
            }
            if (!Fill()) throw new IOException($"connection closed before a response head; got \"{text}\"");
        }
    }

    private string ReadExactly(int n)
    {
        while (_pending.Length < n)
            if (!Fill()) throw new IOException("connection closed inside a body");
        var text = Encoding.Latin1.GetString(_pending.ToArray(), 0, n);
        Consume(n);
        return text;
    }

    private string ReadLine()
    {
        while (true)
        {
            var text = Encoding.Latin1.GetString(_pending.ToArray());
            int end = text.IndexOf("\r\n", StringComparison.Ordinal);
            if (end >= 0) { Consume(end + 2); return text[..end]; }
            if (!Fill()) throw new IOException("connection closed inside chunk framing");
        }
    }

    private string ReadChunked()
    {
        var sb = new StringBuilder();
        while (true)
        {
            int size = Convert.ToInt32(ReadLine(), 16);
            if (size == 0) { ReadLine(); return sb.ToString(); }
            sb.Append(ReadExactly(size));
            ReadLine();
        }
    }

    private bool Fill()
    {
        var buf = new byte[65536];
        int n = Socket.Receive(buf);
        if (n == 0) return false;
        _pending.Seek(0, SeekOrigin.End);
        _pending.Write(buf, 0, n);
        return true;
    }

    private void Consume(int n)
    {
        var rest = _pending.ToArray()[n..];
        _pending.SetLength(0);
        _pending.Write(rest);
    }

    public void Dispose() => Socket.Dispose();
}
