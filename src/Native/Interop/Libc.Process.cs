// Process and session control: setsid for daemonize, setpgid for workers, setgroups for uid drops,
// sched_{get,set}affinity for cpu-affinity.
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

    /// <summary>The CPUs a cpu_set_t of this size can name (glibc's CPU_SETSIZE).</summary>
    public const int CpuSetSize = 1024;

    /// <summary>sched_getaffinity(2) of a thread (0: the calling one): the CPUs it may run on, ascending.</summary>
    public static List<int> GetAffinity(int tid)
    {
        Span<byte> mask = stackalloc byte[CpuSetSize / 8];
        if (sched_getaffinity(tid, (nuint)mask.Length, mask) != 0) throw new NativeException("sched_getaffinity", Marshal.GetLastPInvokeError());
        var cpus = new List<int>();
        for (int cpu = 0; cpu < CpuSetSize; cpu++)
            if ((mask[cpu / 8] & (1 << (cpu % 8))) != 0) cpus.Add(cpu);
        return cpus;
    }

    /// <summary>sched_setaffinity(2) of a thread (0: the calling one); threads it creates later inherit the set. Returns 0 or -errno.</summary>
    public static int SetAffinity(int tid, IEnumerable<int> cpus)
    {
        Span<byte> mask = stackalloc byte[CpuSetSize / 8];
        foreach (int cpu in cpus) mask[cpu / 8] |= (byte)(1 << (cpu % 8));
        return sched_setaffinity(tid, (nuint)mask.Length, mask) == 0 ? 0 : -Marshal.GetLastPInvokeError();
    }

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int sched_getaffinity(int pid, nuint size, Span<byte> mask);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int sched_setaffinity(int pid, nuint size, ReadOnlySpan<byte> mask);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int setsid();

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int setpgid(int pid, int pgid);

    [LibraryImport(LibC, SetLastError = true)]
    private static partial int setgroups(nuint size, ReadOnlySpan<uint> list);
}
