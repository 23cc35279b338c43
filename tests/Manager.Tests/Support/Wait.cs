// Waiting on conditions with generous deadlines: the machine is shared and slow; never sleep for correctness.

namespace DotnetWsgi.Manager.Tests.Support;

public static class Wait
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static void Until(Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        var end = DateTime.UtcNow + (deadline ?? Deadline);
        while (!condition())
        {
            if (DateTime.UtcNow > end) throw new TimeoutException($"timed out waiting for {what}");
            Thread.Sleep(50);
        }
    }
}
