// Overview
// The GIL as using-scopes. Every serving thread owns one PyThreadState (created by AttachThread);
// Gil.Acquire takes the GIL with it and Dispose releases it. Gil.Release is the inverse, used
// inside a GIL scope around blocking I/O (body reads) so other threads run Python. Response writes
// keep the GIL and let the serving layer drop it only around a wait (RequestState as IBlockingHook),
// except the body's last chunk, sent after the request's GIL scope (WsgiGateway.Handle).
// Every take by a serving thread goes through GilQueue, the ordered hand-off in front of the GIL.

namespace DotnetWsgi.Worker.Python.CPython;

public static unsafe class Gil
{
    /// <summary>Takes the GIL for the calling thread's own thread state (in turn, see GilQueue).</summary>
    public static Held Acquire(PyThreadState ts)
    {
        GilQueue.Take(ts);
        return new Held(ts);
    }

    /// <summary>Releases the GIL (currently held by this thread) until Dispose.</summary>
    public static Released Release() => new(Py.PyEval_SaveThread());

    public readonly ref struct Held(PyThreadState ts)
    {
        public void Dispose()
        {
            var saved = Py.PyEval_SaveThread();
            System.Diagnostics.Debug.Assert(saved.Handle == ts.Handle);
        }
    }

    public readonly ref struct Released(PyThreadState ts)
    {
        public void Dispose() => GilQueue.Take(ts);
    }
}
