// Overview
// The one native layer: one method per syscall the program uses, holding no logic. One errno
// convention for every file of this folder:
//   - a call whose failure a caller may expect (kill: ESRCH, mkfifo: EEXIST, accept4: EAGAIN, ...)
//     returns its result (>= 0) or -errno, and the caller names the errno that is normal for it;
//   - a call where every failure is abnormal throws NativeException (call, errno, strerror text);
//   - EINTR is retried here, except by poll/epoll_wait, whose callers recompute their deadline.
// Everything is a direct libc import (linux-x64 layouts); the Mono.Posix package was dropped because
// its helper library (libMonoPosixHelper.so) would have to ship beside the NativeAOT executable for
// the dozen calls it covered.

using System.Runtime.InteropServices;

namespace DotnetWsgi.Native.Interop;

public static partial class Libc
{
    private const string LibC = "libc";

    // ---- processes and signals ----

    /// <summary>kill(2). Returns 0 or -errno (-ESRCH = already gone).</summary>
    public static int Kill(int pid, int signal)
    {
        while (true)
        {
            if (kill(pid, signal) == 0) return 0;
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Errno.EINTR) return -errno;
        }
    }

    public static int GetPid() => Environment.ProcessId;

    public static int GetPpid() => getppid();

    /// <summary>prctl(PR_SET_PDEATHSIG, sig): the kernel sends sig to this process when its parent dies.</summary>
    public static void SetParentDeathSignal(int signal)
    {
        const int PR_SET_PDEATHSIG = 1;
        if (prctl(PR_SET_PDEATHSIG, (nuint)signal, 0, 0, 0) != 0)
            throw new NativeException("prctl(PR_SET_PDEATHSIG)", Marshal.GetLastPInvokeError());
    }

    /// <summary>
    /// Puts the control signals that whoever started us ignored back to their default disposition,
    /// so the handlers registered later run: nohup ignores SIGHUP, a script's `cmd &` ignores SIGINT
    /// and SIGQUIT, and an ignored disposition survives exec. .NET leaves an inherited SIG_IGN in
    /// place (for SIGINT and SIGQUIT its console layer decides once, when it first starts), so
    /// `dotnetwsgi --reload` under nohup did nothing and `kill -INT` of a master started with `&`
    /// was ignored; uWSGI installs its handlers regardless. Call first thing in Main, before anything
    /// touches the console or registers a signal. Signals not ignored are left as they are.
    /// </summary>
    public static void UnignoreControlSignals()
    {
        foreach (int sig in (ReadOnlySpan<int>)[Signals.SIGHUP, Signals.SIGINT, Signals.SIGQUIT, Signals.SIGTERM, Signals.SIGUSR1, Signals.SIGUSR2])
            if (IsIgnored(sig)) signal(sig, 0 /* SIG_DFL */);
    }

    /// <summary>Whether sig's disposition is SIG_IGN (sigaction query; the handler is the struct's first field).</summary>
    public static unsafe bool IsIgnored(int sig)
    {
        byte* old = stackalloc byte[256]; // struct sigaction is 152 bytes on x86_64 and arm64
        return sigaction(sig, null, old) == 0 && *(nint*)old == 1 /* SIG_IGN */;
    }

    // ---- file descriptors ----

    /// <summary>Clears or sets FD_CLOEXEC so a listening socket is (not) inherited by children.</summary>
    public static void SetCloseOnExec(int fd, bool closeOnExec)
    {
        const int F_GETFD = 1, F_SETFD = 2, FD_CLOEXEC = 1;
        int flags = fcntl(fd, F_GETFD, 0);
        if (flags < 0) throw new NativeException("fcntl(F_GETFD)", Marshal.GetLastPInvokeError());
        int wanted = closeOnExec ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
        if (wanted != flags && fcntl(fd, F_SETFD, wanted) < 0)
            throw new NativeException("fcntl(F_SETFD)", Marshal.GetLastPInvokeError());
    }

    public static bool IsCloseOnExec(int fd)
    {
        const int F_GETFD = 1, FD_CLOEXEC = 1;
        int flags = fcntl(fd, F_GETFD, 0);
        if (flags < 0) throw new NativeException("fcntl(F_GETFD)", Marshal.GetLastPInvokeError());
        return (flags & FD_CLOEXEC) != 0;
    }

    /// <summary>dup2(2), retried on EINTR.</summary>
    public static void Dup2(int oldFd, int newFd)
    {
        while (dup2(oldFd, newFd) < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Errno.EINTR) throw new NativeException("dup2", errno);
        }
    }

    public static void Close(int fd) => close(fd);

    // ---- limits ----

    /// <summary>setrlimit(RLIMIT_AS, bytes) for this process (inherited by children).</summary>
    public static void SetAddressSpaceLimit(ulong bytes)
    {
        var lim = new Rlimit { rlim_cur = bytes, rlim_max = bytes };
        if (setrlimit(9 /* RLIMIT_AS */, ref lim) != 0)
            throw new NativeException("setrlimit(RLIMIT_AS)", Marshal.GetLastPInvokeError());
    }

    // ---- dynamic loading ----

    public const int RTLD_NOW = 0x2;
    public const int RTLD_GLOBAL = 0x100;

    /// <summary>dlopen(path, RTLD_NOW|RTLD_GLOBAL). Returns the handle or zero with the dlerror text.</summary>
    public static IntPtr DlOpenGlobal(string path, out string? error)
    {
        // Bind dlerror's stub first: the runtime resolves a P/Invoke on its first call with dlsym,
        // which would clear the error state we want to read after a failed dlopen.
        dlerror();
        IntPtr h = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
        error = h == IntPtr.Zero ? Marshal.PtrToStringUTF8(dlerror()) : null;
        return h;
    }

    public static IntPtr DlSym(IntPtr handle, string name) => dlsym(handle, name);

    // ---- imports ----

    [StructLayout(LayoutKind.Sequential)]
    private struct Rlimit { public ulong rlim_cur; public ulong rlim_max; }

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport(LibC)]
    private static partial int getppid();

    [LibraryImport(LibC)]
    private static partial nint signal(int sig, nint handler);

    [LibraryImport(LibC)]
    private static unsafe partial int sigaction(int sig, byte* act, byte* oldact);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int dup2(int oldfd, int newfd);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int setrlimit(int resource, ref Rlimit rlim);

    [LibraryImport(LibC, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr dlopen(string path, int flags);

    [LibraryImport(LibC, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr dlsym(IntPtr handle, string name);

    [LibraryImport(LibC)]
    private static partial IntPtr dlerror();
}
