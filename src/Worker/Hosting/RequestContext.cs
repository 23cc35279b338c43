// Overview
// The contract between the serving layer (sockets, uwsgi/HTTP protocols) and an application host
// (the embedded CPython WSGI gateway). The serving layer owns the connection: it parses the
// request into RequestVars, offers the body as IRequestBody and turns the host's IResponse calls
// into bytes on the wire in the right framing (uwsgi: raw HTTP response then close; HTTP/1.1:
// Content-Length or chunked, keep-alive). The host owns the app call and never touches a socket.
//
// Threading: each serving thread has one RequestContext it reuses. IRequestBody.Read and
// IResponse.Write may block on the socket: the Python host reads with the GIL released, and writes
// holding it with RequestContext.Blocking set, so the GIL is dropped only if a write must wait.

using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Worker.Hosting;

/// <summary>The request body, read lazily from the connection.</summary>
public interface IRequestBody
{
    /// <summary>Declared length, or null when the body is chunked (HTTP) or unknown.</summary>
    long? ContentLength { get; }

    /// <summary>
    /// Reads up to destination.Length bytes; returns 0 at the end of the body. Blocks on the socket
    /// (call without the GIL). Throws RequestBodyException on timeout, disconnect or malformed chunking.
    /// </summary>
    int Read(Span<byte> destination);
}

public sealed class RequestBodyException(string message) : IOException(message);

/// <summary>
/// What the host knows about the body after a chunk. The response may hold a small chunk only when
/// it is told more follows at once or nothing follows (then it can add Content-Length); a chunk of
/// unknown future (a generator's item) goes out now, so streaming apps are not delayed.
/// </summary>
public enum ChunkHint
{
    /// <summary>Unknown whether or when more follows: send now.</summary>
    Flush,
    /// <summary>Another chunk follows without waiting (the next item of a list): may be held.</summary>
    MoreFollows,
    /// <summary>This is the last chunk: the whole body is known.</summary>
    Last,
}

/// <summary>The response of one request, written by the host in order: Start, headers, Write*, Complete.</summary>
public interface IResponse
{
    /// <summary>True once the status line has been written to the wire (it can no longer change).</summary>
    bool HeadSent { get; }

    /// <summary>Status code of the current head (0 before Start).</summary>
    int StatusCode { get; }

    /// <summary>Body bytes written so far.</summary>
    long BodyBytes { get; }

    /// <summary>
    /// Begins the response head: status is the WSGI status text, e.g. "200 OK" (latin-1). Calling it
    /// again before HeadSent replaces status and headers (start_response with exc_info).
    /// </summary>
    void Start(ReadOnlySpan<byte> status);

    /// <summary>Adds one header as the app gave it (latin-1 bytes).</summary>
    void AddHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value);

    /// <summary>
    /// Writes body bytes; the head goes out before the first byte. It may block: a host that holds a
    /// lock (the GIL) either releases it around the call or sets RequestContext.Blocking, which the
    /// response calls around every wait (so a write the socket takes at once costs no hand-off).
    /// </summary>
    void Write(ReadOnlySpan<byte> data, ChunkHint hint = ChunkHint.Flush);

    /// <summary>The app is done: sends the head if not yet sent and ends the body framing.</summary>
    void Complete();

    /// <summary>
    /// Sends count bytes of an open regular file from offset as the whole body (wsgi.file_wrapper),
    /// the kernel copying them (sendfile). False when this response cannot (the head or a chunk
    /// already went out, or no such path): the host then writes the file as ordinary chunks.
    /// </summary>
    bool SendFile(int fileFd, long offset, long count) => false;

    /// <summary>
    /// The body's last chunk, from memory the host keeps alive and unchanged until FlushDeferred:
    /// commits the head (with Content-Length) now and sends head and body in FlushDeferred, which
    /// the host calls once it has released its lock (the GIL), so the send never holds it. False:
    /// not taken (the head or a chunk already went out): the host writes the chunk as usual.
    /// </summary>
    unsafe bool DeferLast(byte* data, int length) => false;

    /// <summary>Sends what DeferLast took, if anything (it may block; the host holds no lock).</summary>
    void FlushDeferred() { }

    /// <summary>
    /// The request failed before the head was sent: answers status (e.g. 500) with a short plain-text
    /// body. Has no effect once HeadSent (the serving layer then closes the connection).
    /// </summary>
    void SendError(int status, string reason);
}

/// <summary>Everything a host needs for one request.</summary>
public sealed class RequestContext
{
    public required RequestVars Vars { get; init; }
    public IRequestBody Body { get; set; } = null!;
    public IResponse Response { get; set; } = null!;
    /// <summary>Which kind of socket the request came from.</summary>
    public SocketProtocol Protocol { get; set; }
    /// <summary>Request thread index in this worker (uWSGI's core id), 0-based.</summary>
    public int CoreId { get; init; }
    /// <summary>Set by the host when the app raised (counted as an exception in stats).</summary>
    public bool AppFailed { get; set; }
    /// <summary>Number of response body chunks the app produced (uWSGI's "switches").</summary>
    public int Chunks { get; set; }
    /// <summary>
    /// Set by the host while it calls IResponse.Write holding its lock: the response leaves it before
    /// waiting on the socket and re-enters after. Null: the host already released its lock.
    /// </summary>
    public IBlockingHook? Blocking { get; set; }
}

/// <summary>Lets the serving layer drop the host's lock (the GIL) only around waits that block.</summary>
public interface IBlockingHook
{
    void Leave();
    void Enter();
}

/// <summary>Hosts the user's application inside a worker.</summary>
public interface IApplicationHost : IDisposable
{
    /// <summary>
    /// Loads interpreter and app. Throws AppLoadException (message includes the Python traceback and
    /// which interpreter/library was tried) when that fails.
    /// </summary>
    void Load();

    /// <summary>Prepares the calling thread to run requests (once per serving thread, before its first request).</summary>
    void AttachThread();

    /// <summary>Releases the calling thread's state (once, when the serving thread ends).</summary>
    void DetachThread();

    /// <summary>
    /// Runs one request on the calling thread. App errors never escape: the host logs the traceback,
    /// sets ctx.AppFailed, answers 500 through ctx.Response.SendError if the head is not sent yet,
    /// and returns. Exceptions thrown out of it are serving-layer failures (I/O errors).
    /// </summary>
    void Handle(RequestContext ctx);
}

public sealed class AppLoadException(string message) : Exception(message);
