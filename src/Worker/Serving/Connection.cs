// Overview
// One accepted client connection on a raw, non-blocking fd, reused by its serving thread for every
// connection it serves. It owns the thread's receive buffer: bytes [Start, End) are received but not
// yet parsed (the rest of a head, body bytes, a pipelined request). Waiting is done with poll() only
// when a recv/send would block, so the fast path costs exactly one recv and one sendmsg per request,
// and every wait has a deadline (socket-timeout): no client can pin a thread forever.

using System.Runtime.InteropServices;
using DotnetWsgi.Native.Interop;
using DotnetWsgi.Worker.Hosting;

namespace DotnetWsgi.Worker.Serving;

public enum ReceiveStatus { Data, Closed, TimedOut, Failed }

public sealed unsafe class Connection
{
    private readonly byte[] _buffer;
    private readonly byte* _bufferPtr;
    private readonly byte[] _peerAddr = GC.AllocateUninitializedArray<byte>(128, pinned: true);

    public Connection(int bufferCapacity)
    {
        _buffer = GC.AllocateUninitializedArray<byte>(bufferCapacity, pinned: true);
        _bufferPtr = (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(_buffer, 0);
    }

    public int Fd { get; private set; } = -1;
    public Listener Listener { get; private set; } = null!;
    public int TimeoutMs { get; set; } = 4000;
    public int Start { get; set; }
    public int End { get; private set; }
    public int Buffered => End - Start;
    public ReadOnlySpan<byte> Pending => _buffer.AsSpan(Start, End - Start);
    public int Capacity => _buffer.Length;

    /// <summary>REMOTE_ADDR / REMOTE_PORT as ASCII (port empty on unix sockets).</summary>
    public ReadOnlySpan<byte> RemoteAddr => _peerAddr.AsSpan(0, _remoteAddrLength);
    public ReadOnlySpan<byte> RemotePort => _peerAddr.AsSpan(64, _remotePortLength);
    private int _remoteAddrLength, _remotePortLength;
    public string RemoteAddrText => System.Text.Encoding.ASCII.GetString(RemoteAddr);

    /// <summary>Takes an accepted fd; sockaddr is what accept4 filled in.</summary>
    public void Open(int fd, Listener listener, ReadOnlySpan<byte> sockaddr, bool setNoDelay = true)
    {
        Fd = fd;
        Listener = listener;
        Start = End = 0;
        _remoteAddrLength = SocketAddressText.FormatAddress(sockaddr, _peerAddr.AsSpan(0, 64));
        _remotePortLength = SocketAddressText.FormatPort(sockaddr, _peerAddr.AsSpan(64, 16));
        IsClosedByPeer = false;
        if (setNoDelay && !listener.IsUnix) Libc.SetSockOptInt(fd, Libc.IPPROTO_TCP, Libc.TCP_NODELAY, 1);
    }

    /// <summary>Puts back the bytes of a partial request head this connection was parked with (right after Open).</summary>
    public void Restore(ReadOnlySpan<byte> received)
    {
        received.CopyTo(_buffer);
        Start = 0;
        End = received.Length;
    }

    /// <summary>The last receive saw the peer's end of stream.</summary>
    public bool IsClosedByPeer { get; private set; }

    /// <summary>Hands the fd over (to the keep-alive pool) without closing it.</summary>
    public int Detach()
    {
        int fd = Fd;
        Fd = -1;
        Start = End = 0;
        return fd;
    }

    public bool IsOpen => Fd >= 0;

    /// <summary>Moves unparsed bytes to the front so a head or chunk header can grow in place.</summary>
    public void Compact()
    {
        if (Start == 0) return;
        _buffer.AsSpan(Start, End - Start).CopyTo(_buffer);
        End -= Start;
        Start = 0;
    }

    /// <summary>
    /// How much a receive into the buffer takes while fewer bytes than this are buffered. A request
    /// head (or chunk header) is read in a small window, not the whole buffer, so the body behind it
    /// mostly stays in the socket and is received straight into the app's buffer (wsgi.input's bytes)
    /// instead of being received here and copied out: a 64 KiB upload costs one more recv and
    /// 60 KiB less copying. A head larger than the window is read on with the whole buffer.
    /// </summary>
    public const int ReceiveWindow = 4096;

    /// <summary>Receives more bytes into the buffer, waiting at most until deadlineMs (Environment.TickCount64).</summary>
    public ReceiveStatus ReceiveMore(long deadlineMs)
    {
        if (End == _buffer.Length) Compact();
        if (End == _buffer.Length) throw new InvalidOperationException("receive buffer full");
        int room = _buffer.Length - End;
        int want = Buffered < ReceiveWindow ? Math.Min(room, ReceiveWindow - Buffered) : room;
        nint n = ReceiveRaw(_bufferPtr + End, want, deadlineMs, out var status);
        if (n > 0) End += (int)n;
        return status;
    }

    /// <summary>Receives straight into destination (a body read with nothing buffered): no copy.</summary>
    public int ReceiveInto(Span<byte> destination, long deadlineMs, out ReceiveStatus status)
    {
        fixed (byte* p = destination)
            return (int)ReceiveRaw(p, destination.Length, deadlineMs, out status);
    }

    /// <summary>
    /// Receives into destination and, in the same recvmsg, whatever follows it (up to a receive
    /// window) into the empty buffer: the last data of a chunk and the next chunk header (or the end
    /// of the body) arrive with one system call. Returns the bytes that went into destination.
    /// </summary>
    public int ReceiveIntoAndBuffer(Span<byte> destination, long deadlineMs, out ReceiveStatus status)
    {
        if (Buffered != 0) throw new InvalidOperationException("the buffer still holds unread bytes");
        Start = End = 0;
        int spill = Math.Min(ReceiveWindow, _buffer.Length);
        fixed (byte* p = destination)
        {
            var iov = stackalloc Libc.IoVec[2];
            iov[0] = new Libc.IoVec { Base = p, Length = (nuint)destination.Length };
            iov[1] = new Libc.IoVec { Base = _bufferPtr, Length = (nuint)spill };
            while (true)
            {
                nint n = Libc.RecvV(Fd, iov, 2);
                if (n > 0)
                {
                    status = ReceiveStatus.Data;
                    int into = (int)Math.Min(n, destination.Length);
                    End = (int)n - into;
                    return into;
                }
                if (n == 0) { status = ReceiveStatus.Closed; IsClosedByPeer = true; return 0; }
                if (n != -Errno.EAGAIN) { status = ReceiveStatus.Failed; return 0; }
                status = Wait(Libc.POLLIN, deadlineMs);
                if (status != ReceiveStatus.Data) return 0;
            }
        }
    }

    private nint ReceiveRaw(byte* dst, int length, long deadlineMs, out ReceiveStatus status)
    {
        while (true)
        {
            nint n = Libc.Recv(Fd, dst, (nuint)length, 0);
            if (n > 0) { status = ReceiveStatus.Data; return n; }
            if (n == 0) { status = ReceiveStatus.Closed; IsClosedByPeer = true; return 0; }
            if (n != -Errno.EAGAIN) { status = ReceiveStatus.Failed; return 0; }
            status = Wait(Libc.POLLIN, deadlineMs);
            if (status != ReceiveStatus.Data) return 0;
        }
    }

    /// <summary>Waits for readiness; Data means ready.</summary>
    public ReceiveStatus Wait(short events, long deadlineMs)
    {
        while (true)
        {
            long left = deadlineMs - Environment.TickCount64;
            if (left <= 0) return ReceiveStatus.TimedOut;
            var pfd = new Libc.PollFd { Fd = Fd, Events = events };
            int r = Libc.Poll(&pfd, 1, (int)Math.Min(left, int.MaxValue));
            if (r > 0) return (pfd.Revents & Libc.POLLNVAL) != 0 ? ReceiveStatus.Failed : ReceiveStatus.Data;
            if (r < 0 && r != -Errno.EINTR) return ReceiveStatus.Failed;
        }
    }

    public long Deadline() => Environment.TickCount64 + TimeoutMs;

    /// <summary>
    /// Sends every byte of the iovecs (pointers must stay pinned), waiting up to socket-timeout whenever
    /// the peer is not reading. Throws IOException when the peer is gone or too slow.
    /// </summary>
    /// <summary>
    /// Sends everything (non-blocking sends, polling when the socket is full). blocking, if given, is
    /// left around each poll: the caller may hold the GIL, and a send that completes at once (the
    /// common small response) then costs no GIL hand-off.
    /// </summary>
    public void SendAll(Libc.IoVec* iov, int count, IBlockingHook? blocking = null)
    {
        long deadline = Deadline();
        while (count > 0)
        {
            nint n = Libc.SendV(Fd, iov, count);
            if (n == -Errno.EAGAIN)
            {
                WaitWritable(deadline, blocking);
                continue;
            }
            if (n < 0) throw WriteError(n, "write");
            deadline = Deadline();
            while (count > 0 && n >= (nint)iov->Length) { n -= (nint)iov->Length; iov++; count--; }
            if (count > 0) { iov->Base += n; iov->Length -= (nuint)n; }
        }
    }

    /// <summary>Waits until the socket takes more bytes, the GIL (blocking) released meanwhile; the
    /// write deadline or a socket error ends the send with an IOException.</summary>
    private void WaitWritable(long deadline, IBlockingHook? blocking)
    {
        blocking?.Leave();
        ReceiveStatus wait;
        try { wait = Wait(Libc.POLLOUT, deadline); }
        finally { blocking?.Enter(); }
        if (wait == ReceiveStatus.TimedOut) throw new IOException("write timeout (socket-timeout)");
        if (wait != ReceiveStatus.Data) throw new IOException("write error");
    }

    private static IOException WriteError(nint result, string call)
        => new(result == -Libc.EPIPE || result == -Libc.ECONNRESET ? "client disconnected" : $"{call} error (errno {-result})");

    /// <summary>
    /// Sends count bytes of a regular file from offset with sendfile(2) (no copy through user space),
    /// waiting as SendAll does. Returns the bytes sent: fewer when the file ended sooner.
    /// </summary>
    public long SendFile(int fileFd, long offset, long count, IBlockingHook? blocking = null)
    {
        long deadline = Deadline();
        long sent = 0;
        while (sent < count)
        {
            nint n = Libc.SendFile(Fd, fileFd, &offset, (nuint)Math.Min(count - sent, 1L << 30));
            if (n == -Errno.EAGAIN)
            {
                WaitWritable(deadline, blocking);
                continue;
            }
            if (n < 0) throw WriteError(n, "sendfile");
            if (n == 0) break; // the file is shorter than it was
            sent += n;
            deadline = Deadline();
        }
        return sent;
    }

    public void SendAll(ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            var iov = new Libc.IoVec { Base = p, Length = (nuint)data.Length };
            SendAll(&iov, 1);
        }
    }

    /// <summary>
    /// Closes the connection. With unread input, first half-closes and drains briefly so the kernel
    /// does not answer our last response with a reset that destroys it before the client reads it.
    /// </summary>
    public void Close(bool linger)
    {
        if (Fd < 0) return;
        if (linger && Libc.Shutdown(Fd, Libc.SHUT_WR) == 0)
        {
            long deadline = Environment.TickCount64 + Math.Min(TimeoutMs, 2000);
            for (int drained = 0; drained < 1 << 20;)
            {
                Start = End = 0;
                nint n = ReceiveRaw(_bufferPtr, _buffer.Length, deadline, out var status);
                if (status != ReceiveStatus.Data) break;
                drained += (int)n;
            }
        }
        Libc.Close(Fd);
        Fd = -1;
        Start = End = 0;
    }
}
