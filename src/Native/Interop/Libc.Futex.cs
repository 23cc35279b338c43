// futex(2) on a 32-bit word of this process's memory (FUTEX_PRIVATE_FLAG): the cheapest way for a
// thread to sleep until another changes a word, one system call on each side and none when nobody
// sleeps. Used where a managed Monitor cost more than the wait itself (the GIL hand-off: a woken
// waiter re-entering the monitor spun, with sched_yield, against the thread that woke it).
// glibc has no futex() wrapper, so it goes through syscall(3).

using System.Runtime.InteropServices;

namespace DotnetWsgi.Native.Interop;

public static unsafe partial class Libc
{
    private const int FUTEX_WAIT_PRIVATE = 0 | 128, FUTEX_WAKE_PRIVATE = 1 | 128;

    private static readonly long SysFutex = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        var a => throw new PlatformNotSupportedException($"futex: no syscall number for {a}"),
    };

    /// <summary>
    /// Sleeps while *word == expected (checked atomically by the kernel), until FutexWake on the word.
    /// Returns at once when the word already differs; may also return spuriously (EINTR): callers
    /// re-check their condition in a loop.
    /// </summary>
    public static void FutexWait(int* word, int expected)
        => syscall(SysFutex, word, FUTEX_WAIT_PRIVATE, expected, null, null, 0);

    /// <summary>Wakes up to count threads sleeping in FutexWait on the word.</summary>
    public static void FutexWake(int* word, int count)
        => syscall(SysFutex, word, FUTEX_WAKE_PRIVATE, count, null, null, 0);

    [LibraryImport(LibC)]
    private static partial long syscall(long number, int* word, int op, int value, void* timeout, int* word2, int value3);
}
