using System.Runtime.InteropServices;

namespace DotnetWsgi.Native.Interop;

/// <summary>An OS call failed: carries the call, the errno and its strerror text. Accepts errno as
/// returned (-errno) or positive.</summary>
public sealed class NativeException(string call, int errno)
    : Exception($"{call}: {Marshal.GetPInvokeErrorMessage(Math.Abs(errno))} (errno {Math.Abs(errno)})")
{
    public string Call { get; } = call;
    public int Errno { get; } = Math.Abs(errno);
}

/// <summary>errno values the callers name as "normal" (Linux numbering). Libc returns them negated.</summary>
public static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int ENXIO = 6;
    public const int EADDRINUSE = 98;
    public const int EPIPE = 32;
    public const int ECONNABORTED = 103;
    public const int ECONNRESET = 104;
    public const int ETIMEDOUT = 110;
    public const int ECONNREFUSED = 111;
}
