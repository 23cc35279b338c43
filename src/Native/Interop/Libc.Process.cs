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

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int setsid();
}
