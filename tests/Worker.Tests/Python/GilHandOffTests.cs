// The ordered hand-off in front of the GIL (GilQueue): a serving thread that has waited for the GIL
// past the barge window gets it at the next release by another serving thread, even when that
// thread asks for it again at once (as a thread does that finished one request and starts the
// next); within the window, a thread that asks passes it without a ticket, and only while exactly
// one thread is queued. Order and counts, not timings, are asserted: the tests wait for the
// window to pass, or set it for their own run.

using System.Collections.Concurrent;
using DotnetWsgi.Worker.Python;
using DotnetWsgi.Worker.Python.CPython;

namespace DotnetWsgi.Worker.Tests.Python;

[Collection("Python")]
public sealed class GilHandOffTests(PythonFixture fx)
{
    [Fact]
    public void AServingThreadQueuedPastTheBargeWindow_GetsTheGilAtTheNextRelease_BeforeTheReleaserTakesItAgain()
    {
        var host = fx.Cases("fast", threads: 2);
        using var window = BargeWindow(0); // every queued thread is past it: the queue decides alone
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

    [Theory]
    [InlineData(true)]   // the head has waited less than the window: the newcomer passes it
    [InlineData(false)]  // the head has waited past it: the newcomer queues behind
    public void WithinTheBargeWindow_AThreadThatAsksPassesTheQueuedOne_WithoutATicket(bool withinWindow)
    {
        var host = fx.Cases("fast", threads: 3);
        using (BargeWindow(withinWindow ? long.MaxValue : 0))
        {
            using var holding = new ManualResetEventSlim();
            using var release = new ManualResetEventSlim();
            var got = new ConcurrentQueue<string>();
            Exception? failure = null;
            Thread Serving(string name, Action body) => new(() => Guard(ref failure, () =>
            {
                host.AttachThread();
                try { body(); }
                finally { host.DetachThread(); }
            })) { Name = name, IsBackground = true };
            var holder = Serving("holder", () =>
            {
                using (Gil.Acquire(ThreadStates.Current)) { holding.Set(); release.Wait(); }
            });
            var queued = Serving("queued", () => { using (Gil.Acquire(ThreadStates.Current)) got.Enqueue("queued"); });
            var newcomer = Serving("newcomer", () => { using (Gil.Acquire(ThreadStates.Current)) got.Enqueue("newcomer"); });

            holder.Start();
            try
            {
                Assert.True(holding.Wait(TimeSpan.FromSeconds(30)), "the first thread never got the GIL");
                queued.Start();
                WaitUntil(() => GilQueue.Waiting == 1, "the second thread to queue for the GIL");
                int barges = GilQueue.Barges, takes = GilQueue.Takes;
                newcomer.Start();
                // The holder still holds the GIL, so the newcomer's decision is all there is to see:
                // a barge asks CPython at once (no ticket: one thread queued), a ticket queues it.
                WaitUntil(() => GilQueue.Takes - takes == 1, "the newcomer to ask for the GIL");
                Assert.Equal(withinWindow ? 1 : 0, GilQueue.Barges - barges);
                Assert.Equal(withinWindow ? 1 : 2, GilQueue.Waiting);
            }
            finally { release.Set(); }
            Assert.True(holder.Join(TimeSpan.FromSeconds(30)) && queued.Join(TimeSpan.FromSeconds(30)) && newcomer.Join(TimeSpan.FromSeconds(30)),
                "a thread never got the GIL");
            Assert.Null(failure);
            Assert.Equal(0, GilQueue.Waiting);
            if (!withinWindow) Assert.Equal(new[] { "queued", "newcomer" }, got.ToArray()); // in ticket order
            else Assert.Equal(2, got.Count); // both served: which first is CPython's choice
        }
    }

    /// <summary>Sets the barge window (Stopwatch ticks) until disposed.</summary>
    private static Restore BargeWindow(long ticks)
    {
        var saved = new Restore(GilQueue.BargeWindowTicks);
        GilQueue.BargeWindowTicks = ticks;
        return saved;
    }

    private sealed class Restore(long saved) : IDisposable
    {
        public void Dispose() => GilQueue.BargeWindowTicks = saved;
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
