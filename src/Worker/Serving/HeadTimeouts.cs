// Overview
// Connections closed because their request head did not arrive in time: the whole head within
// request-head-timeout of its first byte (however often bytes arrive: a slowloris client sends one
// byte every few seconds forever), or no byte for socket-timeout in the middle of it. Such a
// connection is answered 408 (best effort: one non-blocking write, the client may not be reading)
// and closed at once, without the lingering close a thread would have to wait on. Counted per
// worker (also in its scoreboard slot, for /metrics), and logged at most once every LogIntervalMs with the count since the last line, so an
// attack of thousands of connections costs a few log lines.

using System.Text;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;
using Serilog;

namespace DotnetWsgi.Worker.Serving;

public sealed unsafe class HeadTimeouts(ILogger log, WorkerSlot slot, int headTimeoutSeconds, int socketTimeoutSeconds)
{
    private const long LogIntervalMs = 10_000;
    private static readonly byte[] Http408 = Answer("HTTP/1.1");
    private static readonly byte[] Uwsgi408 = Answer("HTTP/1.0");
    private long _count;
    private long _unlogged;
    private long _nextLog;

    /// <summary>Connections this worker closed for a late request head.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>
    /// Answers 408 on fd and counts it; closes fd when close (the keep-alive pool's sweep owns it),
    /// otherwise the caller (a serving thread) closes it. total: the head deadline passed (else the
    /// client was silent for socket-timeout).
    /// </summary>
    public void Expire(int fd, Listener listener, bool total, bool close)
    {
        Answer(fd, listener.Protocol == SocketProtocol.Http ? Http408 : Uwsgi408);
        if (close) Libc.Close(fd);
        slot.AddHeadTimeout(); // /metrics: dotnetwsgi_request_head_timeouts_total
        Interlocked.Increment(ref _count);
        Interlocked.Increment(ref _unlogged);
        long now = Environment.TickCount64;
        long next = Interlocked.Read(ref _nextLog);
        if (now < next || Interlocked.CompareExchange(ref _nextLog, now + LogIntervalMs, next) != next) return;
        long n = Interlocked.Exchange(ref _unlogged, 0);
        log.Information("closed {Count} connection(s) with 408 whose request head did not arrive in time "
            + "(last on {Listener}: {Why})", n, listener.ToString(),
            total ? $"not complete within request-head-timeout = {headTimeoutSeconds} s" : $"no byte for socket-timeout = {socketTimeoutSeconds} s");
    }

    /// <summary>Drops what the client sent (so the close is a FIN, not a reset), writes the 408, ends the write side.</summary>
    private static void Answer(int fd, byte[] response)
    {
        byte* scratch = stackalloc byte[4096];
        for (int i = 0; i < 16 && Libc.Recv(fd, scratch, 4096, Libc.MSG_DONTWAIT) > 0; i++) { }
        fixed (byte* p = response)
        {
            var iov = new Libc.IoVec { Base = p, Length = (nuint)response.Length };
            Libc.SendV(fd, &iov, 1); // non-blocking; a client that does not read loses only the answer
        }
        Libc.Shutdown(fd, Libc.SHUT_WR);
    }

    private static byte[] Answer(string version)
    {
        const string body = "Request Timeout\n";
        return Encoding.ASCII.GetBytes($"{version} 408 Request Timeout\r\nContent-Type: text/plain\r\n"
            + $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}");
    }
}
