using System.Runtime.InteropServices;

namespace DotnetWsgi.Native.Interop;

/// <summary>An OS call failed: carries the call, the errno and its strerror text.</summary>
public sealed class NativeException(string call, int errno)
    : Exception($"{call}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})")
{
    public string Call { get; } = call;
    public int Errno { get; } = errno;
}

/// <summary>errno values the callers name as "normal" (Linux numbering).</summary>
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
    public const int ECONNREFUSED = 111;
}
