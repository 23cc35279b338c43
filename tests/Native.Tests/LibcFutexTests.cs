// futex(2) through syscall(3): a waiter sleeps in the kernel (not spinning) while the word holds the
// value it expects, returns at once when it does not, and a wake after a change releases it.

using System.Runtime.InteropServices;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Native.Tests;

public sealed unsafe class LibcFutexTests
{
    [Fact]
    public void FutexWait_ReturnsAtOnce_WhenTheWordDiffers()
    {
        int* word = (int*)NativeMemory.AllocZeroed(4);
        try
        {
            var t = new Thread(() => Libc.FutexWait(word, 1)); // *word is 0: nothing to wait for
            t.Start();
            Assert.True(t.Join(TimeSpan.FromSeconds(30)), "FutexWait slept although the word differed");
        }
        finally { NativeMemory.Free(word); }
    }

    [Fact]
    public void AWaiter_SleepsInTheKernel_UntilTheWordChangesAndIsWoken()
    {
        int* word = (int*)NativeMemory.AllocZeroed(4);
        string name = $"futex-{Environment.TickCount64 % 100000}"; // comm holds 15 characters
        var waiter = new Thread(() =>
        {
            while (Volatile.Read(ref *word) == 0) Libc.FutexWait(word, 0);
        }) { Name = name, IsBackground = true };
        try
        {
            waiter.Start();
            Wait.Until(() => WchanOf(name)?.StartsWith("futex") == true, $"thread {name} to sleep in a futex wait");
            Assert.True(waiter.IsAlive);
            Interlocked.Exchange(ref *word, 1);
            Libc.FutexWake(word, int.MaxValue);
            Assert.True(waiter.Join(TimeSpan.FromSeconds(30)), "the waiter was not woken");
        }
        finally
        {
            Interlocked.Exchange(ref *word, 1); // release the waiter also when an assertion failed
            Libc.FutexWake(word, int.MaxValue);
            if (waiter.Join(TimeSpan.FromSeconds(30))) NativeMemory.Free(word); // never free under a sleeper
        }
    }

    /// <summary>The kernel function the named thread of this process sleeps in (null: no such thread).</summary>
    private static string? WchanOf(string comm)
    {
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).Trim() == comm)
                    return File.ReadAllText(Path.Combine(task, "wchan"));
            }
            catch (IOException) { } // the task ended meanwhile
        }
        return null;
    }
}
