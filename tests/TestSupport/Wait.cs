// Waiting on conditions with generous deadlines: the machine is shared and slow; never sleep for correctness.

namespace DotnetWsgi.TestSupport;

public static class Wait
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>Polls condition until it holds; a TimeoutException naming what was awaited after the deadline (30 s by default).</summary>
    public static void Until(Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        var end = DateTime.UtcNow + (deadline ?? Deadline);
        while (!condition())
        {
            if (DateTime.UtcNow > end) throw new TimeoutException($"timed out waiting for {what}");
            Thread.Sleep(20);
        }
    }

    /// <summary>The asynchronous form, for tests that must not block a thread-pool thread.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        var end = DateTime.UtcNow + (deadline ?? Deadline);
        while (!condition())
        {
            if (DateTime.UtcNow > end) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>Reads until done(value) holds and returns that value; after the deadline a TimeoutException shows the last value read.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? deadline = null)
    {
        var end = DateTime.UtcNow + (deadline ?? Deadline);
        T value = await read();
        while (!done(value))
        {
            if (DateTime.UtcNow > end) throw new TimeoutException($"timed out waiting for {what}: last value {value}");
            await Task.Delay(50);
            value = await read();
        }
        return value;
    }
}
