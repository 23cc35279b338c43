// Overview
// One PyThreadState per OS thread that runs Python. The thread that initialised the interpreter
// reuses its main thread state: a second one on the same OS thread would confuse PyGILState_Ensure
// (used by C extensions), which would then wait for a GIL its own thread holds. Attach/Detach
// nest, so a thread that loads an app and later serves requests keeps one state throughout.

using DotnetWsgi.Worker.Python.CPython;

namespace DotnetWsgi.Worker.Python;

internal sealed unsafe class ThreadStates(PyThreadState main)
{
    private readonly int _mainThreadId = Environment.CurrentManagedThreadId;

    [ThreadStatic] private static PyThreadState t_state;
    [ThreadStatic] private static int t_attached;

    /// <summary>The calling thread's state; throws when the thread was never attached.</summary>
    public static PyThreadState Current => t_attached > 0
        ? t_state
        : throw new InvalidOperationException("this thread is not attached to Python (call AttachThread first)");

    public static bool IsAttached => t_attached > 0;

    public PyThreadState Attach()
    {
        if (t_attached++ == 0)
            t_state = Environment.CurrentManagedThreadId == _mainThreadId
                ? main
                : Py.PyThreadState_New(Py.PyInterpreterState_Main());
        return t_state;
    }

    public void Detach()
    {
        if (t_attached == 0) return;
        if (--t_attached > 0) return;
        var ts = t_state;
        t_state = default;
        if (ts.Handle == main.Handle) return;
        // Clearing runs Python code (thread-local destructors): it needs the GIL with this state,
        // and PyThreadState_DeleteCurrent releases it.
        Py.PyEval_RestoreThread(ts);
        Py.PyThreadState_Clear(ts);
        Py.PyThreadState_DeleteCurrent();
    }
}
