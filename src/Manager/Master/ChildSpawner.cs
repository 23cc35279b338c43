// Overview
// Every child that asks for PR_SET_PDEATHSIG (workers, mules, spoolers) is started from this one
// long-lived thread. The kernel sends the parent-death signal when the *thread* that forked the child
// exits, not the process: a child started from a thread-pool thread is SIGKILLed when the pool retires
// that thread, long before the master dies.

namespace DotnetWsgi.Manager.Master;

internal static class ChildSpawner
{
    private static readonly System.Collections.Concurrent.BlockingCollection<Action> Work = [];
    private static readonly Lazy<Thread> Thread = new(() =>
    {
        var t = new Thread(() => { foreach (var job in Work.GetConsumingEnumerable()) job(); })
            { IsBackground = true, Name = "child spawner" };
        t.Start();
        return t;
    });

    /// <summary>Runs start on the spawner thread and returns its result (or rethrows its exception).</summary>
    public static T Run<T>(Func<T> start)
    {
        _ = Thread.Value;
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Work.Add(() =>
        {
            try { result.SetResult(start()); }
            catch (Exception e) { result.SetException(e); }
        });
        return result.Task.GetAwaiter().GetResult();
    }
}
