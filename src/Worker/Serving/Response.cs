// Overview
// The response writer behind IResponse, one per serving thread, reused for every request.
//
// uwsgi sockets: "<SERVER_PROTOCOL or HTTP/1.0> <status>" + the app's headers exactly + body, then
// close (nginx expects one request per connection; nothing is added).
// HTTP sockets choose the framing when the head goes out:
//   app declared Content-Length -> use it, and never send more than it declared (stop, then close);
//   the whole body is known (Complete with at most one held chunk) -> add Content-Length;
//   otherwise HTTP/1.1 -> Transfer-Encoding: chunked; HTTP/1.0 -> close-delimited + Connection: close.
// The host says what follows each chunk (ChunkHint): a chunk known to be the last commits the head
// with Content-Length and leaves with it in one sendmsg; a small first chunk that is known to be
// followed at once (a list item) is held (copied into a pinned buffer) to go out with the next; a
// chunk of unknown future (a generator's item) is sent at once so streams are not delayed. Every
// other chunk is sent straight from the app's buffer with the head/chunk framing gathered around it
// (no second copy). HEAD sends no body bytes
// but the same headers as GET. A host holding a lock (the GIL) hands the last chunk over with
// DeferLast (the head is fixed then) and sends it with FlushDeferred once it has let the lock go.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Native.Interop;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Protocol;

namespace DotnetWsgi.Worker.Serving;

public sealed unsafe partial class Response : IResponse
{
    private const int HoldCapacity = 32 * 1024;
    private enum Framing { CloseDelimited, Length, Chunked, NoBody }

    private readonly Connection _conn;
    private readonly ServerLifetime _lifetime;
    private readonly ResponseHeadBuilder _head = new();
    private readonly byte[] _hold = GC.AllocateUninitializedArray<byte>(HoldCapacity, pinned: true);
    private readonly byte[] _frames = GC.AllocateUninitializedArray<byte>(64, pinned: true);
    private readonly byte[] _protocol = new byte[64];
    private int _protocolLength;

    private bool _uwsgi, _http11, _isHead, _keepAlive, _mustClose, _completed, _answered;
    private int _holdLength;
    private bool _holding;
    /// <summary>The last chunk taken by DeferLast, sent by FlushDeferred (the host keeps it alive).</summary>
    private byte* _deferredData;
    private int _deferredLength;
    private bool _deferred;
    private Framing _framing;
    private long _lengthLeft;

    public Response(Connection conn, ServerLifetime lifetime)
    {
        _conn = conn;
        _lifetime = lifetime;
    }

    /// <summary>The request context whose Blocking hook sends honour (set once by the serving thread).</summary>
    public RequestContext? Context { get; set; }

    /// <summary>The head went out, or is committed to go out with a deferred last chunk (it can no longer change).</summary>
    public bool HeadSent => _headSent || _deferred;
    private bool _headSent;
    public int StatusCode => _head.StatusCode;
    public long BodyBytes { get; private set; }
    /// <summary>Bytes of the head that went out (status line + headers + CRLF), for the request log.</summary>
    public int HeadBytes { get; private set; }
    public int HeaderCount { get; private set; }
    public int Writes { get; private set; }
    /// <summary>Body bytes copied before sending (a small first chunk held for the next); the rest went out from the app's buffer.</summary>
    public long CopiedBytes { get; private set; }
    /// <summary>Gather writes issued for this response (each one sendmsg, more only when the socket was full).</summary>
    public int GatherWrites { get; private set; }
    /// <summary>The connection broke while writing (the client went away or stalled).</summary>
    public bool Broken { get; private set; }
    public bool Completed => _completed;
    /// <summary>
    /// True when the connection may carry another request after this response: its head did not say
    /// Connection: close (a stop requested after the head went out does not change what the client
    /// was told; the serving thread then gives the client's next request a last call).
    /// </summary>
    public bool KeepAlive => _keepAlive && !_mustClose && !Broken && _completed;

    /// <summary>Prepares for a request. protocol is SERVER_PROTOCOL (empty: HTTP/1.0).</summary>
    public void Begin(SocketProtocol socket, ReadOnlySpan<byte> protocol, bool http11, bool isHead, bool keepAlive)
    {
        _uwsgi = socket == SocketProtocol.Uwsgi;
        if (protocol.IsEmpty) protocol = "HTTP/1.0"u8;
        _protocolLength = Math.Min(protocol.Length, _protocol.Length);
        protocol[.._protocolLength].CopyTo(_protocol);
        _http11 = http11;
        _isHead = isHead;
        _keepAlive = keepAlive && !_uwsgi;
        _mustClose = _completed = _answered = _headSent = Broken = _holding = Truncated = _deferred = false;
        _holdLength = 0;
        BodyBytes = 0;
        HeadBytes = HeaderCount = Writes = GatherWrites = 0;
        CopiedBytes = 0;
        _head.Reset();
    }

    /// <summary>Closes the connection after this response whatever the request wanted.</summary>
    public void ForceClose() => _mustClose = true;

    public void Start(ReadOnlySpan<byte> status)
    {
        if (HeadSent) throw new InvalidOperationException("the response head was already sent");
        if (_answered) return;
        _head.Start(_protocol.AsSpan(0, _protocolLength), status);
        _holdLength = 0;
        _holding = false;
    }

    public void AddHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (HeadSent) throw new InvalidOperationException("the response head was already sent");
        if (_answered) return;
        _head.AddHeader(name, value);
    }

    public void Write(ReadOnlySpan<byte> data, ChunkHint hint = ChunkHint.Flush)
    {
        if (_answered) return;
        FlushDeferred(); // a chunk after the "last" one (a list the app grew meanwhile): in order
        if (Broken) throw new IOException("write error: the client disconnected");
        if (!_head.Started) throw new InvalidOperationException("body written before start_response");
        Writes++;
        if (HeadSent)
        {
            if (!data.IsEmpty) Send(includeHead: false, data);
            return;
        }
        if (hint == ChunkHint.Last)
        {
            // The whole body is the held chunk plus this one: one sendmsg with Content-Length.
            CommitHead(knownLength: (_holding ? _holdLength : 0) + data.Length);
            Send(includeHead: true, data);
            return;
        }
        if (data.IsEmpty && hint == ChunkHint.MoreFollows) return;
        if (hint == ChunkHint.MoreFollows && !_holding && data.Length <= HoldCapacity)
        {
            data.CopyTo(_hold);
            CopiedBytes += data.Length;
            _holdLength = data.Length;
            _holding = true;
            return;
        }
        if (data.IsEmpty && !_holding) return; // an empty first yield sends nothing yet (the head waits for data)
        CommitHead(knownLength: null);
        Send(includeHead: true, data);
    }

    /// <summary>
    /// The last chunk of a body the host sends without its lock (see IResponse.DeferLast): the head
    /// is committed with Content-Length (plus a held first chunk) and both go out in one sendmsg in
    /// FlushDeferred. The host keeps the memory alive until then.
    /// </summary>
    public bool DeferLast(byte* data, int length)
    {
        if (_answered || Broken || HeadSent || !_head.Started) return false;
        Writes++;
        CommitHead(knownLength: (_holding ? _holdLength : 0) + length);
        _deferredData = data;
        _deferredLength = length;
        _deferred = true;
        return true;
    }

    public void FlushDeferred()
    {
        if (!_deferred) return;
        _deferred = false;
        Send(includeHead: true, new ReadOnlySpan<byte>(_deferredData, _deferredLength));
    }

    public bool SendFile(int fileFd, long offset, long count)
    {
        FlushDeferred();
        if (_answered || HeadSent || _holding || Broken || !_head.Started || count < 0) return false;
        Writes++;
        CommitHead(knownLength: count); // a known length: Content-Length (or raw bytes), never chunked
        Send(includeHead: true, default);
        if (_isHead || _framing == Framing.NoBody) return true;
        if (_framing == Framing.Length && count > _lengthLeft)
        {
            count = _lengthLeft;
            Truncated = _mustClose = true;
        }
        long sent;
        try { sent = _conn.SendFile(fileFd, offset, count, Context?.Blocking); }
        catch (IOException)
        {
            Broken = true;
            throw;
        }
        BodyBytes += sent;
        if (_framing == Framing.Length) _lengthLeft -= sent;
        if (sent < count) _mustClose = true; // the file shrank: the framing is broken
        return true;
    }

    public void Complete()
    {
        if (_completed || _answered) { _completed = true; return; }
        FlushDeferred();
        if (!_head.Started)
        {
            SendError(500, "Internal Server Error");
            return;
        }
        if (!HeadSent)
        {
            CommitHead(knownLength: _holding ? _holdLength : 0);
            Send(includeHead: true, default);
        }
        if (_framing == Framing.Chunked && !_isHead) SendRaw("0\r\n\r\n"u8);
        if (_framing == Framing.Length && _lengthLeft > 0 && !_isHead) _mustClose = true; // the body fell short: the framing is broken
        _completed = true;
    }

    public void SendError(int status, string reason)
    {
        if (_deferred) // the app's answer is complete: it goes out, and the error only closes the connection
        {
            try { FlushDeferred(); }
            catch (IOException) { /* Broken is set */ }
        }
        if (HeadSent || _answered)
        {
            _mustClose = true;
            return;
        }
        _answered = _completed = _mustClose = true;
        var body = System.Text.Encoding.UTF8.GetBytes(reason + "\n");
        _head.Start(_protocol.AsSpan(0, _protocolLength), System.Text.Encoding.ASCII.GetBytes($"{status} {StatusText.Of(status)}"));
        _head.AddServerHeader("Content-Type"u8, "text/plain"u8);
        _head.AddServerHeader("Content-Length"u8, body.Length);
        _head.AddServerHeader("Connection"u8, "close"u8);
        _head.Finish();
        _framing = Framing.Length;
        _lengthLeft = body.Length;
        _holdLength = 0;
        _holding = false;
        try { Send(includeHead: true, _isHead ? default : body); }
        catch (IOException) { /* Broken is set: the connection is closed after the request */ }
    }

    /// <summary>Answers Expect: 100-continue before the body is first read (never after a final status).</summary>
    public void SendContinue()
    {
        if (HeadSent || _answered) return;
        _conn.SendAll("HTTP/1.1 100 Continue\r\n\r\n"u8);
    }
}
