// Conversions between .NET strings/bytes and Python str/bytes (GIL held), for start-up and error
// paths. The request path uses the raw C API calls directly on spans to avoid allocations.

using System.Text;

namespace DotnetWsgi.Worker.Python.CPython;

public static unsafe class PyText
{
    /// <summary>A new str from UTF-8 text.</summary>
    public static PyRef FromString(string s)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(s);
        fixed (byte* p = utf8)
            return Py.PyUnicode_FromStringAndSize(p, utf8.Length).Check();
    }

    /// <summary>A new str decoded from latin-1 bytes (PEP 3333 native string).</summary>
    public static PyRef FromLatin1(ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
            return Py.PyUnicode_DecodeLatin1(p, bytes.Length, null).Check();
    }

    public static PyRef Interned(string s)
    {
        byte[] z = NulTerminated(s);
        fixed (byte* p = z)
            return Py.PyUnicode_InternFromString(p).Check();
    }

    public static PyRef Bytes(ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
            return Py.PyBytes_FromStringAndSize(p, data.Length).Check();
    }

    /// <summary>The text of a str (str() is applied to anything else); "?" when it cannot be encoded.</summary>
    public static string ToStringUtf8(PyObj o)
    {
        if (!Py.PyUnicode_Check(o))
        {
            using var s = Py.PyObject_Str(o);
            if (s.IsNull)
            {
                Py.PyErr_Clear();
                return "?";
            }
            return ToStringUtf8(s);
        }
        nint len;
        byte* p = Py.PyUnicode_AsUTF8AndSize(o, &len);
        if (p == null)
        {
            Py.PyErr_Clear();
            return "?";
        }
        return Encoding.UTF8.GetString(p, (int)len);
    }

    /// <summary>getattr(o, name); NULL with the error set when absent.</summary>
    public static PyRef GetAttr(PyObj o, string name)
    {
        byte[] z = NulTerminated(name);
        fixed (byte* p = z)
            return Py.PyObject_GetAttrString(o, p);
    }

    public static void SetItem(PyObj dict, string key, PyObj value)
    {
        byte[] z = NulTerminated(key);
        fixed (byte* p = z)
            if (Py.PyDict_SetItemString(dict, p, value) != 0) throw PythonException.Fetch();
    }

    /// <summary>Calls callable(*args) and checks the result.</summary>
    public static PyRef Call(PyObj callable, params ReadOnlySpan<PyObj> args)
    {
        fixed (PyObj* a = args)
            return Py.PyObject_Vectorcall(callable, a, (nuint)args.Length, PyObj.Null).Check();
    }

    public static byte[] NulTerminated(string s)
    {
        var z = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, z);
        return z;
    }
}
