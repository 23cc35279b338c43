// Overview
// Raw socket syscalls for the worker's serving layer: accept4, recv, recvmsg (scatter reads), sendmsg (gather writes), poll,
// epoll, eventfd, setsockopt, getsockname, shutdown and O_NONBLOCK. The serving layer works on plain
// fds (no System.Net.Sockets object per connection) so a request costs no allocation here.
// Each method returns the result or -errno (callers decide which errno is normal); EINTR is retried
// (the convention of the whole folder, see Libc.cs).

using System.Runtime.InteropServices;

namespace DotnetWsgi.Native.Interop;

public static unsafe partial class Libc
{
    public const int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;
    public const int SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    public const int MSG_NOSIGNAL = 0x4000, MSG_DONTWAIT = 0x40;
    public const short POLLIN = 0x1, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
    public const uint EPOLLIN = 0x1, EPOLLEXCLUSIVE = 1u << 28, EPOLLONESHOT = 1u << 30;
    public const int SHUT_WR = 1;
    public const int EPIPE = Errno.EPIPE, ECONNRESET = Errno.ECONNRESET, ETIMEDOUT = Errno.ETIMEDOUT, ECONNABORTED = Errno.ECONNABORTED;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd { public int Fd; public short Events; public short Revents; }

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec { public byte* Base; public nuint Length; }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name; public uint NameLen; public IoVec* Iov; public nuint IovLen;
        public void* Control; public nuint ControlLen; public int Flags;
    }

    private static int LastErrno() => Marshal.GetLastPInvokeError();

    /// <summary>accept4(2): the new fd, or -errno (EAGAIN: another worker won the connection).</summary>
    public static int Accept4(int fd, byte* addr, ref uint addrLen, int flags)
    {
        while (true)
        {
            int r = accept4(fd, addr, ref addrLen, flags);
            if (r >= 0) return r;
            int e = LastErrno();
            if (e != Interop.Errno.EINTR) return -e;
        }
    }

    /// <summary>recv(2): bytes read (0 = peer closed), or -errno (EAGAIN on a non-blocking socket).</summary>
    public static nint Recv(int fd, byte* buf, nuint len, int flags)
    {
        while (true)
        {
            nint r = recv(fd, buf, len, flags);
            if (r >= 0) return r;
            int e = LastErrno();
            if (e != Interop.Errno.EINTR) return -e;
        }
    }

    /// <summary>recvmsg(2) scattering into iovecs (filled in order): bytes read (0 = peer closed), or -errno.</summary>
    public static nint RecvV(int fd, IoVec* iov, int count)
    {
        var msg = new MsgHdr { Iov = iov, IovLen = (nuint)count };
        while (true)
        {
            nint r = recvmsg(fd, &msg, 0);
            if (r >= 0) return r;
            int e = LastErrno();
            if (e != Interop.Errno.EINTR) return -e;
        }
    }

    /// <summary>sendmsg(2) over iovecs with MSG_NOSIGNAL: bytes written or -errno.</summary>
    public static nint SendV(int fd, IoVec* iov, int count)
    {
        var msg = new MsgHdr { Iov = iov, IovLen = (nuint)count };
        while (true)
        {
            nint r = sendmsg(fd, &msg, MSG_NOSIGNAL);
            if (r >= 0) return r;
            int e = LastErrno();
            if (e != Interop.Errno.EINTR) return -e;
        }
    }

    /// <summary>sendfile(2) from a file at *offset (advanced by the kernel): bytes sent or -errno.</summary>
    public static nint SendFile(int outFd, int inFd, long* offset, nuint count)
    {
        while (true)
        {
            nint r = sendfile(outFd, inFd, offset, count);
            if (r >= 0) return r;
            int e = LastErrno();
            if (e != Interop.Errno.EINTR) return -e;
        }
    }

    /// <summary>poll(2): number of ready fds, 0 on timeout, or -errno.</summary>
    public static int Poll(PollFd* fds, int count, int timeoutMs)
    {
        int r = poll(fds, (nuint)count, timeoutMs);
        return r >= 0 ? r : -LastErrno(); // EINTR surfaces: the caller recomputes its deadline
    }

    /// <summary>epoll_create1(EPOLL_CLOEXEC).</summary>
    public static int EpollCreate()
    {
        int r = epoll_create1(SOCK_CLOEXEC);
        if (r < 0) throw new NativeException("epoll_create1", LastErrno());
        return r;
    }

    /// <summary>Size of struct epoll_event: packed on x86_64, naturally aligned elsewhere.</summary>
    public static int EpollEventSize => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    /// <summary>epoll_ctl(EPOLL_CTL_ADD, fd, {events, data = tag}).</summary>
    public static void EpollAdd(int epfd, int fd, uint events, ulong tag)
    {
        byte* ev = stackalloc byte[16];
        *(uint*)ev = events;
        *(ulong*)(ev + EpollEventSize - 8) = tag;
        if (epoll_ctl(epfd, 1 /* EPOLL_CTL_ADD */, fd, ev) != 0)
            throw new NativeException("epoll_ctl(ADD)", LastErrno());
    }

    /// <summary>epoll_ctl(EPOLL_CTL_ADD): 0 or -errno.</summary>
    public static int EpollAddOrErrno(int epfd, int fd, uint events, ulong tag) => EpollCtl(epfd, 1, fd, events, tag);

    /// <summary>epoll_ctl(EPOLL_CTL_MOD) (re-arms an EPOLLONESHOT fd): 0 or -errno (ENOENT: not in the set).</summary>
    public static int EpollMod(int epfd, int fd, uint events, ulong tag) => EpollCtl(epfd, 3, fd, events, tag);

    private static int EpollCtl(int epfd, int op, int fd, uint events, ulong tag)
    {
        byte* ev = stackalloc byte[16];
        *(uint*)ev = events;
        *(ulong*)(ev + EpollEventSize - 8) = tag;
        return epoll_ctl(epfd, op, fd, ev) == 0 ? 0 : -LastErrno();
    }

    /// <summary>epoll_wait for one event: 1 with its tag, 0 on timeout, or -errno (EINTR included).</summary>
    public static int EpollWaitOne(int epfd, int timeoutMs, out ulong tag)
    {
        byte* ev = stackalloc byte[16];
        int r = epoll_wait(epfd, ev, 1, timeoutMs);
        tag = r > 0 ? *(ulong*)(ev + EpollEventSize - 8) : 0;
        return r >= 0 ? r : -LastErrno();
    }

    /// <summary>eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC): a wake-up fd.</summary>
    public static int EventFd()
    {
        int r = eventfd(0, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (r < 0) throw new NativeException("eventfd", LastErrno());
        return r;
    }

    /// <summary>Adds 1 to an eventfd (makes it readable for every poller).</summary>
    public static void EventFdSignal(int fd)
    {
        ulong one = 1;
        write(fd, &one, 8);
    }

    /// <summary>setsockopt(level, name, int value): 0 or -errno.</summary>
    public static int SetSockOptInt(int fd, int level, int name, int value)
        => setsockopt(fd, level, name, &value, 4) == 0 ? 0 : -LastErrno();

    public const int IPPROTO_TCP = 6, TCP_NODELAY = 1;

    /// <summary>getsockname(2) into addr: 0 or -errno.</summary>
    public static int GetSockName(int fd, byte* addr, ref uint addrLen)
        => getsockname(fd, addr, ref addrLen) == 0 ? 0 : -LastErrno();

    /// <summary>shutdown(2): 0 or -errno.</summary>
    public static int Shutdown(int fd, int how) => shutdown(fd, how) == 0 ? 0 : -LastErrno();

    /// <summary>Sets O_NONBLOCK on an fd (a shared listening socket: every worker polls before accepting).</summary>
    public static void SetNonBlocking(int fd)
    {
        const int F_GETFL = 3, F_SETFL = 4, O_NONBLOCK = 0x800;
        int flags = fcntl(fd, F_GETFL, 0);
        if (flags < 0) throw new NativeException("fcntl(F_GETFL)", LastErrno());
        if ((flags & O_NONBLOCK) == 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
            throw new NativeException("fcntl(F_SETFL)", LastErrno());
    }

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int accept4(int fd, byte* addr, ref uint addrLen, int flags);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial nint recv(int fd, byte* buf, nuint len, int flags);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial nint sendmsg(int fd, MsgHdr* msg, int flags);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial nint recvmsg(int fd, MsgHdr* msg, int flags);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial nint sendfile(int outFd, int inFd, long* offset, nuint count);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int poll(PollFd* fds, nuint nfds, int timeout);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int epoll_wait(int epfd, byte* events, int max, int timeout);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int eventfd(uint initval, int flags);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial nint write(int fd, void* buf, nuint count);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int setsockopt(int fd, int level, int name, void* value, uint len);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int getsockname(int fd, byte* addr, ref uint addrLen);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int shutdown(int fd, int how);
}
