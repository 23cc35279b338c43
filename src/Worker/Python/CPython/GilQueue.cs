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
// How: every time a serving thread wants the GIL it takes a ticket and waits (on a .NET monitor,
// not on the GIL) until every earlier ticket holder has actually acquired the GIL; then it calls
// PyEval_RestoreThread. So at most one serving thread waits inside CPython at a time, and a thread
// that just released the GIL and asks again queues behind the serving thread already waiting: that
// thread gets the GIL at the next release, in arrival order, without a switch interval.
//
// What it does not touch: the GIL itself. Python threads the app starts (and C extensions using
// PyGILState_Ensure) take it the usual way and compete only with the one serving thread at the head
// of the queue, so they are never starved (they see less contention than before); CPython's switch
// interval still shares the GIL between threads running Python. Re-takes inside CPython (after
// time.sleep, a socket read in the app) do not pass through here. The queue is never held while
// Python runs, so a thread in the app never blocks another one here.

namespace DotnetWsgi.Worker.Python.CPython;

public static unsafe class GilQueue
{
    private static readonly object Gate = new();
    private static long _nextTicket; // the ticket the next caller gets
    private static long _nowServing; // the ticket allowed to call PyEval_RestoreThread

    /// <summary>Serving threads queued for the GIL now (the head included, until it has it).</summary>
    public static int Waiting
    {
        get { lock (Gate) return (int)(_nextTicket - _nowServing); }
    }

    /// <summary>Takes the GIL with ts, after every serving thread that asked before has taken it.</summary>
    public static void Take(PyThreadState ts)
    {
        lock (Gate)
        {
            long ticket = _nextTicket++;
            while (ticket != _nowServing) Monitor.Wait(Gate);
        }
        try
        {
            Py.PyEval_RestoreThread(ts);
        }
        finally
        {
            lock (Gate)
            {
                _nowServing++;
                if (_nextTicket != _nowServing) Monitor.PulseAll(Gate);
            }
        }
    }
}
