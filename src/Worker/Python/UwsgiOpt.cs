// What the `uwsgi` module is given about this instance: `uwsgi.opt` (every option in effect, as
// --print-config writes them, then the custom keys; values are bytes and a repeated key is a list of
// bytes, as uWSGI) and the process's identity (worker or mule id, spooler directory, the master's
// run directory with the shared files).

using System.Text;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Native;
using DotnetWsgi.Native.PythonApi;
using DotnetWsgi.Worker.Python.CPython;

namespace DotnetWsgi.Worker.Python;

internal static unsafe class UwsgiOpt
{
    public static PyRef Build(ServerOptions options)
    {
        var values = new List<(string Key, string Value)>();
        foreach (string line in ConfigWriter.ToIni(options).Split('\n'))
        {
            int eq = line.IndexOf(" = ", StringComparison.Ordinal);
            if (line.Length == 0 || line[0] is ';' or '[' || eq < 0) continue;
            values.Add((line[..eq], line[(eq + 3)..].Replace("%%", "%")));
        }
        var opt = Py.PyDict_New().Check();
        foreach (var group in values.GroupBy(v => v.Key))
        {
            using var value = group.Count() == 1 ? Bytes(group.First().Value) : List(group.Select(v => v.Value));
            PyText.SetItem(opt, group.Key, value);
        }
        return opt;
    }

    /// <summary>The shim's `state` dict for this process: workerId and masterPid come from the worker
    /// contract parsed once at start (0 in a mule or the spooler, and outside a master).</summary>
    public static PyRef State(ServerOptions options, int workerId, int masterPid)
    {
        var state = Py.PyDict_New().Check();
        Set(state, "worker_id", Long(workerId));
        Set(state, "mule_id", Long(EnvLong(PythonApiContract.MuleIdVar)));
        Set(state, "masterpid", Long(masterPid));
        Set(state, "mules", Long(options.Mules + options.Mule.Count));
        Set(state, "spooler_dir", Env(PythonApiContract.SpoolerDirVar) is { } d ? PyText.FromString(d) : None());
        Set(state, "api_dir", Env(PythonApiContract.DirVar) is { } a ? PyText.FromString(a) : None());
        var spoolers = Py.PyList_New(0).Check();
        foreach (string dir in options.Spooler)
        {
            using var item = PyText.FromString(Path.GetFullPath(dir));
            Py.PyList_Append(spoolers, item);
        }
        Set(state, "spoolers", spoolers);
        return state;
    }

    private static void Set(PyObj dict, string key, PyRef value)
    {
        using (value) PyText.SetItem(dict, key, value);
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
    private static long EnvLong(string name) => long.TryParse(Env(name), out long v) ? v : 0;
    private static PyRef Long(long v) => Py.PyLong_FromLongLong(v).Check();
    private static PyRef None() { Py.Py_IncRef(Py.Py_None); return new PyRef(Py.Py_None.Handle); }
    private static PyRef Bytes(string s) => PyText.Bytes(Encoding.UTF8.GetBytes(s));

    private static PyRef List(IEnumerable<string> items)
    {
        var list = Py.PyList_New(0).Check();
        foreach (string s in items)
        {
            using var b = Bytes(s);
            Py.PyList_Append(list, b);
        }
        return list;
    }
}
