using DotnetWsgi.Worker.Python.CPython;

namespace DotnetWsgi.Worker.Tests.Python;

internal static unsafe class GilProbe
{
    /// <summary>PyGILState_Check: does the calling thread hold the GIL right now?</summary>
    public static bool HeldByThisThread() => Py.PyGILState_Check() == 1;
}
