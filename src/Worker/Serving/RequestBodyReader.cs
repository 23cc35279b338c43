// Overview
// The request body as the app reads it (wsgi.input), framed by Content-Length or chunked encoding.
// Bytes already received after the head are served first; after that, a read with an empty buffer
// receives straight into the app's buffer (no copy) for Content-Length bodies and chunk data.
// CopiedBytes counts what was served out of the connection buffer (at most a receive window per
// head or chunk header: see Connection.ReceiveWindow); the rest never passed through it.
// Every wait is bounded by socket-timeout: a stalled client makes Read throw RequestBodyException
// (the app sees OSError) instead of pinning the thread. Expect: 100-continue is answered on the
// first read. A chunked body that grows past limit-post is answered 413 if the head is unsent.

using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Protocol;

namespace DotnetWsgi.Worker.Serving;

public sealed class RequestBodyReader(Connection conn, Response response) : IRequestBody
{
    private BodyFraming _framing;
    private long _left; // Content-Length framing: bytes not yet read
    private long _declared;
    private long _read;
    private long _limit;
    private bool _expect100;
    private ChunkedDecoder _chunked;

    public long? ContentLength => _framing == BodyFraming.Chunked ? null : _declared;
    public bool IsComplete => _framing switch
    {
        BodyFraming.Chunked => _chunked.IsDone,
        BodyFraming.ContentLength => _left == 0,
        _ => true,
    };
    /// <summary>Body bytes of this request copied out of the connection buffer (the rest was received in place).</summary>
    public long CopiedBytes { get; private set; }
    /// <summary>Set when the body could not be read (timeout, disconnect, bad framing, over the limit).</summary>
    public string? Failure { get; private set; }

    public void Reset(BodyFraming framing, long contentLength, bool expect100, long limitPost)
    {
        _framing = framing;
        _declared = framing == BodyFraming.ContentLength ? contentLength : 0;
        _left = _declared;
        _read = 0;
        _limit = limitPost;
        _expect100 = expect100;
        _chunked = default;
        Failure = null;
        CopiedBytes = 0;
    }

    public int Read(Span<byte> destination)
    {
        if (destination.IsEmpty || IsComplete) return 0;
        if (Failure is not null) throw new RequestBodyException(Failure);
        if (_expect100)
        {
            _expect100 = false;
            if (conn.Buffered == 0) SendContinue();
        }
        return _framing == BodyFraming.Chunked ? ReadChunked(destination) : ReadLength(destination);
    }

    private void SendContinue()
    {
        try { response.SendContinue(); }
        catch (IOException ex) { throw Fail($"cannot send 100 Continue: {ex.Message}", 0); }
    }

    private int ReadLength(Span<byte> destination)
    {
        int want = (int)Math.Min(destination.Length, _left);
        int n = Take(destination[..want]);
        _left -= n;
        _read += n;
        return n;
    }

    private int ReadChunked(Span<byte> destination)
    {
        while (true)
        {
            var step = _chunked.Step(conn.Pending, out int consumed);
            conn.Start += consumed;
            switch (step)
            {
                case ChunkStep.Data:
                    // A read that takes the rest of the chunk also receives what follows it (CRLF, the
                    // next chunk header or the last chunk) into the buffer in the same recvmsg.
                    bool toChunkEnd = destination.Length >= _chunked.Remaining;
                    int n = Take(destination[..(int)Math.Min(destination.Length, _chunked.Remaining)], toChunkEnd);
                    _chunked.ConsumeData(n);
                    _read += n;
                    if (_limit > 0 && _read > _limit) throw OverLimit();
                    return n;
                case ChunkStep.Done:
                    return 0;
                case ChunkStep.Error:
                    throw Fail($"malformed chunked body: {_chunked.Error}", 400);
                default:
                    conn.Compact();
                    Receive();
                    break;
            }
        }
    }

    /// <summary>Copies buffered bytes, or receives straight into destination when nothing is buffered.</summary>
    private int Take(Span<byte> destination, bool spill = false)
    {
        if (conn.Buffered > 0)
        {
            int n = Math.Min(conn.Buffered, destination.Length);
            conn.Pending[..n].CopyTo(destination);
            conn.Start += n;
            CopiedBytes += n;
            return n;
        }
        ReceiveStatus status;
        int got = spill ? conn.ReceiveIntoAndBuffer(destination, conn.Deadline(), out status)
            : conn.ReceiveInto(destination, conn.Deadline(), out status);
        if (status != ReceiveStatus.Data) throw Fail(Describe(status, destination.Length), AnswerFor(status));
        return got;
    }

    private void Receive()
    {
        var status = conn.ReceiveMore(conn.Deadline());
        if (status != ReceiveStatus.Data) throw Fail(Describe(status, 0), AnswerFor(status));
    }

    private string Describe(ReceiveStatus status, int wanted) => status switch
    {
        ReceiveStatus.TimedOut => _framing == BodyFraming.Chunked
            ? $"timeout during read on wsgi.input (chunked body, consumed: {_read})"
            : $"timeout during read({wanted}) on wsgi.input (Content-Length: {_declared} consumed: {_read} left: {_left})",
        ReceiveStatus.Closed => $"client closed the connection during read on wsgi.input (consumed: {_read})",
        _ => "connection error during read on wsgi.input",
    };

    /// <summary>A stalled client gets 408; one that left gets nothing (nobody is listening).</summary>
    private static int AnswerFor(ReceiveStatus status) => status == ReceiveStatus.TimedOut ? 408 : 0;

    /// <summary>
    /// Records the failure and, while the head is unsent, answers it at once: whatever the app makes
    /// of the OSError it sees, the client gets the status that names the real problem.
    /// </summary>
    private RequestBodyException Fail(string reason, int answer)
    {
        Failure = reason;
        if (answer > 0) response.SendError(answer, StatusText.Of(answer));
        response.ForceClose();
        return new RequestBodyException(reason);
    }

    private RequestBodyException OverLimit()
    {
        var reason = $"chunked request body larger than limit-post {_limit}";
        Failure = reason;
        response.SendError(413, "Request Entity Too Large"); // no effect once the head is out: then the connection closes
        return new RequestBodyException(reason);
    }

    /// <summary>
    /// Reads and discards what the app left unread so the connection can carry the next request.
    /// Returns false (close instead) when the rest is larger than maxBytes or cannot be read.
    /// </summary>
    public bool TryDrain(long maxBytes)
    {
        if (Failure is not null) return false;
        if (IsComplete) return true;
        if (_expect100) return false; // the client still waits for 100 Continue: it may never send the body
        if (_framing == BodyFraming.ContentLength && _left > maxBytes) return false;
        Span<byte> scratch = stackalloc byte[4096];
        try
        {
            long budget = maxBytes;
            while (!IsComplete && budget > 0)
            {
                _expect100 = false; // never invite a body we are about to discard
                int n = _framing == BodyFraming.Chunked ? ReadChunked(scratch) : ReadLength(scratch);
                budget -= n;
            }
            return IsComplete;
        }
        catch (RequestBodyException)
        {
            return false;
        }
    }
}
