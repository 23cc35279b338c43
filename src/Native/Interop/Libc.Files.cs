// Overview
// Users, groups and file metadata: getuid/setuid, getpwnam/getgrnam, mkfifo, chmod, chown, umask and
// stat, imported straight from glibc. The struct offsets are those of glibc on x86_64 (the one
// platform the NativeAOT build targets): struct stat's st_ino at 8 and st_mode at 24 (144 bytes in
// all), struct passwd's pw_uid/pw_gid at 16/20 and struct group's gr_gid at 16 (after two pointers).

using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace DotnetWsgi.Native.Interop;

public static partial class Libc
{
    private const int StatSize = 144, StatInoOffset = 8, StatModeOffset = 24;
    private const uint S_IFMT = 0xF000, S_IFSOCK = 0xC000, S_IFIFO = 0x1000;

    // ---- users and groups ----

    public static uint GetUid() => getuid();

    public static uint GetGid() => getgid();

    public static void SetGid(uint gid)
    {
        if (setgid(gid) != 0) throw new NativeException("setgid", Marshal.GetLastPInvokeError());
    }

    public static void SetUid(uint uid)
    {
        if (setuid(uid) != 0) throw new NativeException("setuid", Marshal.GetLastPInvokeError());
    }

    /// <summary>Resolves a user name or number. Returns null when unknown.</summary>
    public static uint? LookupUser(string nameOrId)
    {
        if (uint.TryParse(nameOrId, out var id)) return id;
        IntPtr pw = getpwnam(nameOrId);
        return pw == IntPtr.Zero ? null : (uint)Marshal.ReadInt32(pw, 2 * IntPtr.Size);
    }

    /// <summary>Resolves a group name or number. Returns null when unknown.</summary>
    public static uint? LookupGroup(string nameOrId)
    {
        if (uint.TryParse(nameOrId, out var id)) return id;
        IntPtr gr = getgrnam(nameOrId);
        return gr == IntPtr.Zero ? null : (uint)Marshal.ReadInt32(gr, 2 * IntPtr.Size);
    }

    // ---- files ----

    /// <summary>mkfifo(3). Returns 0 or -errno.</summary>
    public static int MkFifo(string path, int mode)
        => mkfifo(path, (uint)mode) == 0 ? 0 : -Marshal.GetLastPInvokeError();

    public static void Chmod(string path, int mode)
    {
        if (chmod(path, (uint)mode) != 0)
            throw new NativeException($"chmod({path})", Marshal.GetLastPInvokeError());
    }

    public static void Chown(string path, uint uid, uint gid)
    {
        if (chown(path, uid, gid) != 0)
            throw new NativeException($"chown({path})", Marshal.GetLastPInvokeError());
    }

    public static int Umask(int mask) => (int)umask((uint)mask);

    /// <summary>Inode of a path, or null if it does not exist.</summary>
    public static unsafe ulong? Inode(string path)
    {
        byte* st = stackalloc byte[StatSize];
        return stat(path, st) == 0 ? *(ulong*)(st + StatInoOffset) : null;
    }

    /// <summary>True if the path exists and is a socket.</summary>
    public static bool IsSocket(string path) => FileType(path) == S_IFSOCK;

    /// <summary>True if the path exists and is a FIFO.</summary>
    public static bool IsFifo(string path) => FileType(path) == S_IFIFO;

    private static unsafe uint? FileType(string path)
    {
        byte* st = stackalloc byte[StatSize];
        return stat(path, st) == 0 ? *(uint*)(st + StatModeOffset) & S_IFMT : null;
    }

    // ---- imports ----

    [LibraryImport(LibC)]
    private static partial uint getuid();

    [LibraryImport(LibC)]
    private static partial uint getgid();

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int setuid(uint uid);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int setgid(uint gid);

    [LibraryImport(LibC, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getpwnam(string name);

    [LibraryImport(LibC, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getgrnam(string name);

    [LibraryImport(LibC, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mkfifo(string path, uint mode);

    [LibraryImport(LibC, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chmod(string path, uint mode);

    [LibraryImport(LibC, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chown(string path, uint uid, uint gid);

    [LibraryImport(LibC)]
    private static partial uint umask(uint mask);

    [LibraryImport(LibC, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int stat(string path, byte* buf);

    // ---- append-only files ----

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
