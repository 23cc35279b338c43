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
// serving thread waits inside CPython at a time, and a thread that just released the GIL and asks
// again queues behind the serving thread already waiting: that thread gets the GIL at the next
// release, in arrival order, without a switch interval.
//
// The price: when a thread asks again while the head has been woken but not yet scheduled, the
// interpreter sits idle until the head runs. Behind nginx, 2 workers x 2 threads, a build without
// the queue served 9-12 % more requests (bench.py nginx_uwsgi, two runs). Letting a thread pass a
// head queued for under 1 ms gave no consistent gain there and a longer Flask tail at -c 4: not kept.
//
// The queue is two counters and a futex, not a lock: taking a ticket and finding it served is two
// atomic operations and no system call; a thread whose turn has not come sleeps on the
// now-serving word, and the thread that advances it wakes the sleepers only when a ticket is
// outstanding. (A first version used a .NET Monitor: under load the woken waiter re-entered it
// while the waker still held it and spun, with sched_yield: 3 % of the CPU samples of workers
// serving a bare WSGI app, perf, wrk -c16 on 2 workers x 2 threads.)
//
// What it does not touch: the GIL itself. Python threads the app starts (and C extensions using
// PyGILState_Ensure) take it the usual way and compete only with the one serving thread at the head
// of the queue, so they are never starved (they see less contention than before); CPython's switch
// interval still shares the GIL between threads running Python. Re-takes inside CPython (after
// time.sleep, a socket read in the app) do not pass through here. The queue is never held while
// Python runs, so a thread in the app never blocks another one here.

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

    static GilQueue()
    {
        Words[0] = 0;
        Words[1] = 0;
    }

    /// <summary>Serving threads queued for the GIL now (the head included, until it has it).</summary>
    public static int Waiting => Volatile.Read(ref Next) - Volatile.Read(ref NowServing);

    /// <summary>Tickets taken so far (wraps): how many times serving threads asked for the GIL.</summary>
    public static int Tickets => Volatile.Read(ref Next);

    /// <summary>Takes the GIL with ts, after every serving thread that asked before has taken it.</summary>
    public static void Take(PyThreadState ts)
    {
        int ticket = Interlocked.Increment(ref Next) - 1;
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
