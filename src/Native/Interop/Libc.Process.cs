// Syscalls the master needs beyond the shared set: session control for daemonize.
// One method per call, errno to NativeException, no logic (see Libc.cs).

using System.Runtime.InteropServices;

namespace DotnetWsgi.Native.Interop;

public static partial class Libc
{
    /// <summary>setsid(2): detach from the controlling terminal (daemonize). Returns the new session id.</summary>
    public static int SetSid()
    {
        int sid = setsid();
        if (sid < 0) throw new NativeException("setsid", Marshal.GetLastPInvokeError());
        return sid;
    }

    /// <summary>setgroups(2): replace the supplementary groups (an empty list drops root's before setuid).</summary>
    public static void SetGroups(ReadOnlySpan<uint> groups)
    {
        if (setgroups((nuint)groups.Length, groups) != 0) throw new NativeException("setgroups", Marshal.GetLastPInvokeError());
    }

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int setsid();

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int setgroups(nuint size, ReadOnlySpan<uint> list);
}
