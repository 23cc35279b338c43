// The ordered hand-off in front of the GIL (GilQueue): a serving thread waiting for the GIL gets it
// at the next release by another serving thread, even when that thread asks for it again at once
// (as a thread does that finished one request and starts the next). Order, not timing, is asserted.

using System.Collections.Concurrent;
using DotnetWsgi.Worker.Python;
using DotnetWsgi.Worker.Python.CPython;

namespace DotnetWsgi.Worker.Tests.Python;

[Collection("Python")]
public sealed class GilHandOffTests(PythonFixture fx)
{
    [Fact]
    public void AWaitingServingThread_GetsTheGilAtTheNextRelease_BeforeTheReleaserTakesItAgain()
    {
        var host = fx.Cases("fast", threads: 2);
        for (int round = 0; round < 20; round++)
        {
            var order = new ConcurrentQueue<string>();
            using var holding = new ManualResetEventSlim();
            Exception? failure = null;
            var releaser = new Thread(() => Guard(ref failure, () =>
            {
                host.AttachThread();
                try
                {
                    var ts = ThreadStates.Current;
                    using (Gil.Acquire(ts))
                    {
                        holding.Set();
                        WaitUntil(() => GilQueue.Waiting == 1, "the other serving thread to queue for the GIL");
                    }
                    using (Gil.Acquire(ts)) order.Enqueue("releaser again"); // asks again at once
                }
                finally { host.DetachThread(); }
            }));
            var waiter = new Thread(() => Guard(ref failure, () =>
            {
                host.AttachThread();
                try
                {
                    holding.Wait();
                    using (Gil.Acquire(ThreadStates.Current)) order.Enqueue("waiter");
                }
                finally { host.DetachThread(); }
            }));
            releaser.Start();
            waiter.Start();
            Assert.True(releaser.Join(TimeSpan.FromSeconds(30)) && waiter.Join(TimeSpan.FromSeconds(30)), "a thread never got the GIL");
            Assert.Null(failure);
            Assert.Equal(new[] { "waiter", "releaser again" }, order.ToArray());
        }
    }

    [Fact]
    public void ThreadsTheAppStarts_StillRun_WhileServingThreadsTakeTurns()
    {
        var host = fx.Cases("fast", threads: 2);
        using var stop = new ManualResetEventSlim();
        var counts = new long[2];
        var serving = Enumerable.Range(0, 2).Select(i => new Thread(() =>
        {
            host.AttachThread();
            try
            {
                var ts = ThreadStates.Current;
                while (!stop.IsSet)
                    using (Gil.Acquire(ts)) counts[i]++;
            }
            finally { host.DetachThread(); }
        })).ToList();
        foreach (var t in serving) t.Start();
        try
        {
            // The app starts a Python thread of its own; it must make progress while the serving
            // threads hand the GIL back and forth as fast as they can.
            var ticks = fx.Cases("app_thread_ticks", threads: 2);
            var (r, ctx) = new TestRequest { CoreId = 1 }.Run(ticks);
            Assert.False(ctx.AppFailed);
            Assert.Equal("50", r.BodyText);
        }
        finally
        {
            stop.Set();
            foreach (var t in serving) t.Join(TimeSpan.FromSeconds(30));
        }
        Assert.True(counts[0] > 0 && counts[1] > 0, $"serving threads took the GIL {counts[0]} and {counts[1]} times");
    }

    private static void Guard(ref Exception? failure, Action body)
    {
        try { body(); }
        catch (Exception e) { failure = e; }
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            Thread.Sleep(1);
        }
    }
}
