// A worker accepts a connection only when one of its serving threads is free to start it: with
// processes × threads slow requests arriving together on fresh connections, every one of them is
// served at once by some idle thread of the instance, never queued inside a worker whose threads are
// all busy while a thread of another worker sits idle. The published binary, real sockets.

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DotnetWsgi.Manager.Tests.Support;

namespace DotnetWsgi.Manager.Tests.Integration;

[Collection("real processes")]
public class AcceptBalanceTests
{
    /// <summary>How long each request sleeps in the app; a round "takes two" at 2 × this.</summary>
    private static readonly TimeSpan Sleep = TimeSpan.FromSeconds(0.4);
    private const int Rounds = 50;

    [BinaryFact]
    public void TwoWorkersTwoThreads_ServeFourSlowRequests_InOneRound_EveryTime() => EveryRoundIsOne(2, 2);

    [BinaryFact]
    public void TwoWorkersOneThread_ServeTwoSlowRequests_InOneRound_EveryTime() => EveryRoundIsOne(2, 1);

    [BinaryFact]
    public void FourWorkersOneThread_ServeFourSlowRequests_InOneRound_EveryTime() => EveryRoundIsOne(4, 1);

    [BinaryFact]
    public void TwoWorkersFourThreads_ServeEightSlowRequests_InOneRound_EveryTime() => EveryRoundIsOne(2, 4);

    private static void EveryRoundIsOne(int processes, int threads)
    {
        using var dn = new BinaryInstance(processes, $"threads = {threads}").WaitServing();
        int n = processes * threads;
        dn.Until(() => dn.WorkerPids().Count == processes, $"{processes} workers", TimeSpan.FromSeconds(90)); // each imports the app: slow on a loaded machine
        // Start-up: every worker must have loaded the app and be accepting before rounds count.
        Wait.Until(() => Round(dn.Port, n).Elapsed < 2 * Sleep, "a first round served by every thread", TimeSpan.FromSeconds(60));
        var slow = new List<string>();
        for (int i = 0; i < Rounds; i++)
        {
            var r = Round(dn.Port, n);
            if (r.Elapsed >= 2 * Sleep)
                slow.Add($"round {i}: {r.Elapsed.TotalSeconds:F2} s, pids [{string.Join(", ", r.Pids)}]");
        }
        Assert.True(slow.Count == 0,
            $"{slow.Count} of {Rounds} rounds of {n} concurrent {Sleep.TotalSeconds} s requests ({processes} workers × {threads} threads) took two rounds:\n"
            + string.Join("\n", slow));
    }

    private sealed record RoundResult(TimeSpan Elapsed, int[] Pids);

    /// <summary>n clients, each on its own new connection, send one slow request at the same moment.</summary>
    private static RoundResult Round(int port, int n)
    {
        using var go = new ManualResetEventSlim();
        var pids = new int[n];
        var errors = new Exception?[n];
        var clients = Enumerable.Range(0, n).Select(i => new Thread(() =>
        {
            go.Wait();
            try { pids[i] = SlowRequest(port); }
            catch (Exception ex) { errors[i] = ex; }
        })).ToList();
        foreach (var t in clients) t.Start();
        var watch = Stopwatch.StartNew();
        go.Set();
        foreach (var t in clients) t.Join();
        var elapsed = watch.Elapsed;
        if (errors.FirstOrDefault(e => e is not null) is { } error) throw new Exception("a request of the round failed", error);
        return new RoundResult(elapsed, pids);
    }

    private static int SlowRequest(int port)
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 30_000, SendTimeout = 30_000 };
        s.Connect(new IPEndPoint(IPAddress.Loopback, port));
        s.Send(Encoding.ASCII.GetBytes($"GET /sleep?s={Sleep.TotalSeconds} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        var reply = new MemoryStream();
        var buffer = new byte[4096];
        for (int got; (got = s.Receive(buffer)) > 0;) reply.Write(buffer, 0, got);
        string text = Encoding.ASCII.GetString(reply.ToArray());
        if (!text.StartsWith("HTTP/1.1 200")) throw new Exception($"unexpected reply: {text}");
        return int.Parse(text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
    }
}
