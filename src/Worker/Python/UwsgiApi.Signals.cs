// _signal(op, a, b, ...) behind register_signal / signal / add_timer / add_rb_timer / add_cron and
// the signal thread's wait; _workers() and _total_requests() read the scoreboard.

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DotnetWsgi.Native;
using DotnetWsgi.Native.PythonApi;
using DotnetWsgi.Worker.Python.CPython;

namespace DotnetWsgi.Worker.Python;

internal static unsafe class UwsgiSignalCallbacks
{
    private static PyObj Raise(string message) => WsgiCallbacks.Raise(Py.PyExc_ValueError, message);
    private static PyObj None() { Py.Py_IncRef(Py.Py_None); return Py.Py_None; }

    /// <summary>
    /// _signal("register", signum, target) | ("raise", signum) | ("timer"/"rbtimer", signum, seconds)
    /// | ("cron", signum, minute, hour, day, month, weekday) | ("wait", timeout_ms) -> list of signums.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static PyObj Signal(PyObj self, PyObj* args, nint nargs)
    {
        try
        {
            if (nargs < 2) return WsgiCallbacks.Raise(Py.PyExc_TypeError, "_signal(op, ...)");
            if (UwsgiApi.Current is not { } api)
                return WsgiCallbacks.Raise(Py.PyExc_RuntimeError, "uwsgi signals: no dotnetwsgi master shares them with this process");
            string op = PyText.ToStringUtf8(args[0]);
            long[] n = new long[nargs - 1];
            for (int i = 1; i < nargs; i++)
                if (op != "register" || i == 1) n[i - 1] = Py.PyLong_AsLongLong(args[i]);
            if (!Py.PyErr_Occurred().IsNull) return PyObj.Null;
            return op switch
            {
                "register" => Register(api, (int)n[0], PyText.ToStringUtf8(args[2])),
                "raise" => api.Signals.Raise((int)n[0], api.LiveWorkers())
                    ? None() : Raise($"uwsgi.signal({n[0]}): signal {n[0]} is not registered"),
                "timer" or "rbtimer" when n.Length == 2 && n[1] > 0 => AddTimer(api, new SignalTimer((int)n[0],
                    op == "timer" ? SignalTimerKind.Timer : SignalTimerKind.RbTimer, n[1], 0, 0, 0, 0, 0)),
                "cron" when n.Length == 6 => AddTimer(api, new SignalTimer((int)n[0], SignalTimerKind.Cron, 0,
                    (int)n[1], (int)n[2], (int)n[3], (int)n[4], (int)n[5])),
                "wait" => Wait(api, (int)n[0]),
                _ => Raise($"uwsgi signals: bad call {op} with {nargs - 1} arguments (timers need seconds > 0)"),
            };
        }
        catch (ArgumentOutOfRangeException e)
        {
            return Raise($"uwsgi signals: {e.Message.Split('\n')[0]}");
        }
        catch (Exception e)
        {
            return WsgiCallbacks.Raise(Py.PyExc_RuntimeError, $"uwsgi signals: {e.Message}");
        }
    }

    private static PyObj Register(UwsgiApi api, int signum, string target)
    {
        if (SignalTarget.Parse(target) is not { } parsed)
            return Raise($"uwsgi.register_signal({signum}): unknown target '{target}' (use '', worker, workers, workerN, mule, mules, muleN or spooler)");
        api.Signals.Register(signum, parsed);
        return None();
    }

    private static PyObj AddTimer(UwsgiApi api, SignalTimer timer)
    {
        api.Signals.AddTimer(timer);
        return None();
    }

    private static PyObj Wait(UwsgiApi api, int timeoutMs)
    {
        List<int> pending;
        using (Gil.Release()) pending = api.WaitForSignals(timeoutMs);
        using var list = Py.PyList_New(0).Check();
        foreach (int s in pending)
        {
            using var item = Py.PyLong_FromLongLong(s).Check();
            Py.PyList_Append(list, item);
        }
        return list.Obj.NewRef().Release();
    }

    /// <summary>_workers() -> [(id, pid, requests, exceptions, busy, rss, vsz, running_time_us, last_spawn, tx, avg_rt_us, harakiri_count), ...].</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static PyObj Workers(PyObj self, PyObj unused)
    {
        try
        {
            using var list = Py.PyList_New(0).Check();
            if (UwsgiApi.Current?.Scoreboard is not { } sb) return list.Obj.NewRef().Release();
            for (int id = 1; id <= sb.Workers; id++)
            {
                var s = sb.Slot(id);
                if (s.Pid == 0) continue;
                bool busy = false;
                for (int c = 0; c < s.Cores; c++) busy |= s.Core(c).RequestStartMs != 0;
                using var row = Py.PyList_New(0).Check();
                foreach (long v in (long[])[id, s.Pid, s.Requests, s.Exceptions, busy ? 1 : 0, s.RssBytes, s.VszBytes,
                             s.RunningTimeUs, s.LastSpawnUnix, s.TxBytes, s.AvgResponseTimeUs, s.HarakiriCount])
                {
                    using var item = Py.PyLong_FromLongLong(v).Check();
                    Py.PyList_Append(row, item);
                }
                Py.PyList_Append(list, row);
            }
            return list.Obj.NewRef().Release();
        }
        catch (Exception e)
        {
            return WsgiCallbacks.Raise(Py.PyExc_RuntimeError, $"uwsgi.workers: {e.Message}");
        }
    }

    /// <summary>_total_requests() -> the instance's request count.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static PyObj TotalRequests(PyObj self, PyObj unused)
        => Py.PyLong_FromLongLong(UwsgiApi.Current?.Scoreboard?.InstanceRequests ?? 0).Release();
}
