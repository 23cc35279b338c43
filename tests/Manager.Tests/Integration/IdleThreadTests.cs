// A thread waiting on its keep-alive client leaves new work to an idle thread of its worker: a new
// connection arriving while one thread waits for its client's next request and the other thread is
// idle is served by the idle thread, and the waiting client keeps its thread. Before, the waiting
// thread raced the idle one for the connection and mostly won, then served both clients in turn
// while its sibling slept (under load: a thread that never sleeps, preempted mid-request, p99 ×5).
// The published binary, real sockets; which thread served a request is the app's answer to /thread.

using DotnetWsgi.Manager.Tests.Support;

namespace DotnetWsgi.Manager.Tests.Integration;

[Collection("real processes")]
public class IdleThreadTests
{
    private const int Rounds = 30;

    [BinaryFact]
    public void NewConnection_GoesToTheIdleThread_AndTheWaitingClientKeepsItsThread()
    {
        using var dn = new BinaryInstance(1, "threads = 2").WaitServing();
        dn.Until(() => dn.WorkerPids().Count == 1, "the worker", TimeSpan.FromSeconds(90));
        var misses = new List<string>();
        int worker = dn.WorkerPids().Single();
        for (int i = 0; i < Rounds; i++)
        {
            // Both threads idle first: the previous round's connections closed, nothing left parked.
            dn.Until(() => ServingThreadsIn(worker, "do_epoll_wait") == 2, "both serving threads idle");
            using var waiting = RawHttp.Connect(dn.Port);
            string first = RawHttp.Exchange(waiting, "/thread", keepAlive: true);
            // The thread that answered now waits for this client's next request; the other one is idle.
            try
            {
                Wait.Until(() => ServingThreadsIn(worker, "poll_schedule_timeout") == 1 && ServingThreadsIn(worker, "do_epoll_wait") == 1,
                    "one serving thread waiting on its client, the other idle");
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"round {i}: {ex.Message}; the threads of worker {worker} sleep in: {string.Join(", ", ServingThreadWaits(worker))}\n{dn.Diagnosis()}", ex);
            }
            using var newcomer = RawHttp.Connect(dn.Port);
            string other = RawHttp.Exchange(newcomer, "/thread", keepAlive: true);
            string second = RawHttp.Exchange(waiting, "/thread", keepAlive: true);
            if (other == first || second != first)
                misses.Add($"round {i}: waiting client {first} then {second}, new client {other}");
        }
        Assert.True(misses.Count == 0,
            $"{misses.Count} of {Rounds} rounds: the new connection was not served by the idle thread, or the waiting client lost its thread:\n"
            + string.Join("\n", misses));
    }

    private static IEnumerable<string> ServingThreadWaits(int pid)
    {
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            string comm, wchan;
            try { comm = File.ReadAllText(Path.Combine(task, "comm")).Trim(); wchan = File.ReadAllText(Path.Combine(task, "wchan")); }
            catch (IOException) { continue; }
            yield return $"{comm}: {wchan}";
        }
    }

    /// <summary>How many of the worker's serving threads (named "core N") sleep in the kernel function given (wchan, without a compiler suffix such as ".constprop.0").</summary>
    private static int ServingThreadsIn(int pid, string wchan)
    {
        int n = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith("core ", StringComparison.Ordinal)
                    && File.ReadAllText(Path.Combine(task, "wchan")).Split('.')[0] == wchan)
                    n++;
            }
            catch (IOException) { } // the thread ended
        }
        return n;
    }
}
