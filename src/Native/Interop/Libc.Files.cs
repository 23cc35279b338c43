// One method per call, errno to IOException (the callers' file-error type), no logic (see Libc.cs).

using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace DotnetWsgi.Native.Interop;

public static partial class Libc
{
    private const int O_WRONLY = 0x1, O_CREAT = 0x40, O_APPEND = 0x400, O_CLOEXEC = 0x80000;

    /// <summary>
    /// open(path, O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC, 0666 &amp; ~umask). .NET's FileMode.Append only seeks
    /// to the end once; with O_APPEND every write lands at the current end, so after another process
    /// truncates the file (logrotate's copytruncate) writing goes on at offset 0, with no hole of NULs.
    /// </summary>
    public static SafeFileHandle OpenAppend(string path)
    {
        int fd;
        do fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0x1B6 /* 0666 */);
        while (fd < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR);
        if (fd < 0) throw new IOException($"open(\"{path}\"): {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    [LibraryImport(LibC, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, int mode);
}
