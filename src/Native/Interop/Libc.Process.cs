// Process and session control: setsid for daemonize, setpgid for workers, setgroups for uid drops.
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

    /// <summary>setpgid(0, 0): make this process the leader of a new process group.</summary>
    public static void SetOwnProcessGroup()
    {
        if (setpgid(0, 0) != 0) throw new NativeException("setpgid", Marshal.GetLastPInvokeError());
    }

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int setsid();

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int setpgid(int pid, int pgid);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int setgroups(nuint size, ReadOnlySpan<uint> list);
}
