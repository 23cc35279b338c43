// Overview
// A Python error fetched once (PyErr_Fetch) into one .NET exception carrying the type name, the
// message and the formatted traceback, so callers log it or wrap it without touching Python again.

namespace DotnetWsgi.Worker.Python.CPython;

public sealed unsafe class PythonException(string typeName, string message, string traceback)
    : Exception($"{typeName}: {message}")
{
    public string TypeName { get; } = typeName;
    public string PythonMessage { get; } = message;
    /// <summary>The whole "Traceback (most recent call last): ..." text, ending with the error line.</summary>
    public string Traceback { get; } = traceback;

    /// <summary>Formats tracebacks (the shim's format_exception); null until the shim is loaded.</summary>
    internal static PyObj Formatter;

    /// <summary>Takes the pending Python error (GIL held) and clears it.</summary>
    public static unsafe PythonException Fetch()
    {
        PyObj type, value, tb;
        Py.PyErr_Fetch(&type, &value, &tb);
        if (type.IsNull)
            return new PythonException("SystemError", "a C API call failed without setting an error", "");
        Py.PyErr_NormalizeException(&type, &value, &tb);
        using var t = new PyRef(type.Handle);
        using var v = new PyRef(value.Handle);
        using var b = new PyRef(tb.Handle);
        string name = AttrText(type, "__name__") ?? "Exception";
        string message = value.IsNull ? "" : Text(value) ?? "";
        string trace = FormatTraceback(type, value, tb) ?? $"{name}: {message}";
        return new PythonException(name, message, trace);
    }

    private static unsafe string? FormatTraceback(PyObj type, PyObj value, PyObj tb)
    {
        if (Formatter.IsNull) return null;
        PyObj* args = stackalloc PyObj[3] { type, value.IsNull ? Py.Py_None : value, tb.IsNull ? Py.Py_None : tb };
        using var s = Py.PyObject_Vectorcall(Formatter, args, 3, PyObj.Null);
        if (s.IsNull)
        {
            Py.PyErr_Clear();
            return null;
        }
        return PyText.ToStringUtf8(s);
    }

    private static unsafe string? AttrText(PyObj o, string attr)
    {
        using var a = PyText.GetAttr(o, attr);
        if (a.IsNull)
        {
            Py.PyErr_Clear();
            return null;
        }
        return PyText.ToStringUtf8(a);
    }

    private static string? Text(PyObj o)
    {
        using var s = Py.PyObject_Str(o);
        if (s.IsNull)
        {
            Py.PyErr_Clear();
            return null;
        }
        return PyText.ToStringUtf8(s);
    }
}
