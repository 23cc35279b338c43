// Overview
// The ordered hand-off in front of the GIL for a worker's serving threads.
//
// Why: CPython's GIL is not a queue. A thread that releases it and asks again at once (a serving
// thread that finished one request and starts the next, or comes back from a short write) usually
// gets it back before a waiting thread has even been scheduled: the waiter sleeps on a condition
// variable with a timeout of the switch interval (5 ms), and only when that expires does it force
// the holder to drop the GIL. So with two serving threads in one worker, one request could wait a
// whole switch interval for an interpreter that was free many times in between: the p99 tail.
//
// How: every time a serving thread wants the GIL it takes a ticket and waits until every earlier
// ticket holder has actually acquired the GIL; then it calls PyEval_RestoreThread. So at most one
// queued serving thread waits inside CPython at a time, and a thread that just released the GIL
// and asks again queues behind the serving thread already waiting: that thread gets the GIL at the
// next release, in arrival order, without a switch interval.
//
// Except within the barge window: a thread that asks while exactly one serving thread is queued,
// and that one has been waiting for less than BargeWindowMs, skips the queue and asks CPython
// directly (it takes no ticket). Why: a strict queue made the interpreter sit idle while the woken
// head was being scheduled. A thread that finished a request released the GIL, did its request's
// I/O (send, close, accept, recv: tens of microseconds) and asked again, and if the head had not
// run yet it had to sleep until the head took the GIL and then wait for the head's whole request,
// while the GIL stayed free for the head's wake-up (on a loaded 2-CPU VM, often longer than the I/O).
// Behind nginx (a new connection per request), 2 workers x 2 threads, the strict queue served
// 9-12 % fewer requests than CPython's own GIL (bench.py nginx_uwsgi, two runs of 8 and 6 rotated
// rounds, ahead in 11 of 14) and left the machine idle more. The window bounds what a queued
// thread can lose: once it has waited BargeWindowMs nobody passes it, so it waits at most the
// window plus the requests the threads that passed it were already running (one, with two threads
// per worker), never CPython's switch interval for nothing. What the window buys over the strict
// queue is within this VM's noise so far (one run 7 % more requests behind nginx, a second run 8 %
// fewer); no queue at all still served more behind nginx (10 % by median, one run), at the cost of the -c 4
// tail the queue exists for.
//
// The queue is two counters and a futex, not a lock: taking a ticket and finding it served is two
// atomic operations and no system call; a thread whose turn has not come sleeps on the
// now-serving word, and the thread that advances it wakes the sleepers only when a ticket is
// outstanding. (A first version used a .NET Monitor: under load the woken waiter re-entered it
// while the waker still held it and spun, with sched_yield: 3 % of the CPU samples of workers
// serving a bare WSGI app, perf, wrk -c16 on 2 workers x 2 threads.)
//
// What it does not touch: the GIL itself. Python threads the app starts (and C extensions using
// PyGILState_Ensure) take it the usual way and compete only with the serving thread at the head of
// the queue (and, within the barge window, one that passed it), so they are never starved; CPython's
// switch interval still shares the GIL between threads running Python. Re-takes inside CPython (after
// time.sleep, a socket read in the app) do not pass through here. The queue is never held while
// Python runs, so a thread in the app never blocks another one here.

using System.Diagnostics;
using System.Runtime.InteropServices;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Worker.Python.CPython;

public static unsafe class GilQueue
{
    // Two words in native memory (a futex needs a fixed address): [0] the ticket the next caller
    // gets, [1] the ticket allowed to call PyEval_RestoreThread. Both only grow (and wrap); a
    // ticket is served when the two are equal at its number.
    private static readonly int* Words = (int*)NativeMemory.AlignedAlloc(64, 64);
    private static ref int Next => ref Words[0];
    private static ref int NowServing => ref Words[1];

    /// <summary>How long a queued serving thread may be passed by threads that ask after it.</summary>
    public const int BargeWindowMs = 1;

    /// <summary>The window in Stopwatch ticks (settable by tests only).</summary>
    internal static long BargeWindowTicks = BargeWindowMs * Stopwatch.Frequency / 1000;

    // When each ticket was taken (Stopwatch ticks), by ticket number modulo 64: the head's wait so
    // far. A slot not yet written for the head holds an older ticket's time, which only makes the
    // head look longer queued (no barging): the safe side.
    private static readonly long* Since = (long*)NativeMemory.AlignedAlloc(64 * sizeof(long), 64);

    private static int _barges;

    static GilQueue()
    {
        Words[0] = 0;
        Words[1] = 0;
        NativeMemory.Clear(Since, 64 * sizeof(long));
    }

    /// <summary>Serving threads queued for the GIL now (the head included, until it has it).</summary>
    public static int Waiting => Volatile.Read(ref Next) - Volatile.Read(ref NowServing);

    /// <summary>How many times serving threads asked for the GIL so far (tickets and barges; wraps).</summary>
    public static int Takes => Volatile.Read(ref Next) + Volatile.Read(ref _barges);

    /// <summary>How many of those asked CPython directly, inside the barge window (wraps).</summary>
    public static int Barges => Volatile.Read(ref _barges);

    private static bool InBargeWindow(int head)
        => Stopwatch.GetTimestamp() - Volatile.Read(ref Since[head & 63]) < BargeWindowTicks;

    /// <summary>Takes the GIL with ts, after every serving thread that asked before has taken it (but see the barge window).</summary>
    public static void Take(PyThreadState ts)
    {
        int head = Volatile.Read(ref NowServing);
        if (Volatile.Read(ref Next) - head == 1 && InBargeWindow(head))
        {
            Interlocked.Increment(ref _barges);
            Py.PyEval_RestoreThread(ts);
            return;
        }
        int ticket = Interlocked.Increment(ref Next) - 1;
        Volatile.Write(ref Since[ticket & 63], Stopwatch.GetTimestamp());
        while (true)
        {
            int serving = Volatile.Read(ref NowServing);
            if (serving == ticket) break;
            Libc.FutexWait(&Words[1], serving); // returns at once if it moved on meanwhile
        }
        try
        {
            Py.PyEval_RestoreThread(ts);
        }
        finally
        {
            // Interlocked: a full fence, so a ticket taken before this read is seen, and one taken
            // after it finds itself served without sleeping.
            int serving = Interlocked.Increment(ref NowServing);
            if (Volatile.Read(ref Next) != serving) Libc.FutexWake(&Words[1], int.MaxValue);
        }
    }
}
