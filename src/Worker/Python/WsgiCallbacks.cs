// Overview
// start_response, write and wsgi.input's _read as C functions (PyMethodDef entries pointing at
// [UnmanagedCallersOnly] methods): no Python glue on the request path. They run with the GIL held
// on the app's thread, find their request in RequestState, and report errors the Python way (set
// an exception, return NULL). A .NET exception must never unwind through CPython, so each entry
// point catches everything. Body reads run with the GIL released; response writes keep it unless the
// socket is full (the serving layer then drops it through RequestContext.Blocking).

using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Python.CPython;

namespace DotnetWsgi.Worker.Python;

internal static unsafe partial class WsgiCallbacks
{
    /// <summary>start_response(status, response_headers, exc_info=None) -> write (PEP 3333).</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static PyObj StartResponse(PyObj self, PyObj* args, nint nargs, PyObj kwnames)
    {
        try
        {
            var st = RequestState.Active;
            if (st is null) return Raise(Py.PyExc_RuntimeError, "start_response() called outside a request");
            if (!TryExcInfo(args, nargs, kwnames, out PyObj excInfo)) return PyObj.Null;
            var response = st.Ctx!.Response;
            if (!excInfo.IsNull && excInfo != Py.Py_None)
            {
                // PEP 3333: once the head is on the wire the original error must propagate.
                if (response.HeadSent) return Reraise(excInfo);
            }
            else if (st.Started)
                return Raise(Py.PyExc_AssertionError, "start_response() called twice without exc_info");

            if (!StartHead(st, args[0], args[1])) return PyObj.Null;
            st.Started = true;
            return NativeFunctions.Write.NewRef().Release();
        }
        catch (Exception e)
        {
            return Raise(Py.PyExc_RuntimeError, $"start_response() failed: {e.Message}");
        }
    }

    /// <summary>The write(data) callable start_response returns.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static PyObj Write(PyObj self, PyObj data)
    {
        try
        {
            var st = RequestState.Active;
            if (st is null) return Raise(Py.PyExc_RuntimeError, "write() called outside a request");
            if (!st.Started) return Raise(Py.PyExc_AssertionError, "write() called before start_response()");
            if (!Py.PyBytes_Check(data))
                return Raise(Py.PyExc_TypeError, $"write() argument must be bytes, not {TypeName(data)}");
            if (!WriteChunk(st, data, ChunkHint.Flush))
                return Raise(Py.PyExc_OSError, $"write to the client failed: {st.IoFailure!.SourceException.Message}");
            return Py.Py_None.NewRef().Release();
        }
        catch (Exception e)
        {
            return Raise(Py.PyExc_RuntimeError, $"write() failed: {e.Message}");
        }
    }

    /// <summary>
    /// Writes one bytes chunk to the response, GIL held unless the write must wait (the reference is held while
    /// writing). Returns false when the serving layer failed (st.IoFailure set).
    /// </summary>
    public static bool WriteChunk(RequestState st, PyObj chunk, ChunkHint hint)
    {
        byte* p;
        nint len;
        if (Py.PyBytes_AsStringAndSize(chunk, &p, &len) != 0) throw PythonException.Fetch();
        var ctx = st.Ctx!;
        if (st.IoFailure is not null) return false; // the connection already failed: write nothing more
        ctx.Chunks++;
        if (len == 0) return true;
        // The last chunk goes out after the GIL is released (WsgiGateway.Handle): the reference
        // taken here keeps the bytes alive until then (immutable: read without the GIL).
        if (hint == ChunkHint.Last && st.Deferred.IsNull && ctx.Response.DeferLast(p, (int)len))
        {
            Py.Py_IncRef(chunk);
            st.Deferred = chunk;
            st.DeferredLength = len;
            return true;
        }
        Py.Py_IncRef(chunk);
        try
        {
            // The GIL stays held: the response leaves it (ctx.Blocking) only if the socket is full.
            // Releasing it around every small write woke the other serving thread for nothing.
            ctx.Blocking = st;
            try { ctx.Response.Write(new ReadOnlySpan<byte>(p, (int)len), hint); }
            finally { ctx.Blocking = null; }
            return true;
        }
        catch (Exception e)
        {
            st.IoFailure = ExceptionDispatchInfo.Capture(e);
            return false;
        }
        finally
        {
            Py.Py_DecRef(chunk);
        }
    }

    /// <summary>Sets a Python exception and returns NULL (the C API's error return).</summary>
    public static PyObj Raise(PyObj type, string message)
    {
        byte[] z = PyText.NulTerminated(message);
        fixed (byte* p = z) Py.PyErr_SetString(type, p);
        return PyObj.Null;
    }

    public static string TypeName(PyObj o)
    {
        using var t = PyText.GetAttr(o, "__class__");
        if (t.IsNull)
        {
            Py.PyErr_Clear();
            return "?";
        }
        using var n = PyText.GetAttr(t, "__name__");
        if (n.IsNull)
        {
            Py.PyErr_Clear();
            return "?";
        }
        return PyText.ToStringUtf8(n);
    }

    /// <summary>The optional third argument, positional or exc_info=...</summary>
    private static bool TryExcInfo(PyObj* args, nint nargs, PyObj kwnames, out PyObj excInfo)
    {
        excInfo = PyObj.Null;
        nint nkw = kwnames.IsNull ? 0 : Py.PyTuple_Size(kwnames);
        if (nargs < 2 || nargs + nkw > 3)
        {
            Raise(Py.PyExc_TypeError, "start_response() takes status, response_headers and an optional exc_info");
            return false;
        }
        if (nargs == 3) excInfo = args[2];
        else if (nkw == 1)
        {
            if (PyText.ToStringUtf8(Py.PyTuple_GetItem(kwnames, 0)) != "exc_info")
            {
                Raise(Py.PyExc_TypeError, "start_response() got an unexpected keyword argument");
                return false;
            }
            excInfo = args[nargs];
        }
        return true;
    }

    /// <summary>Raises the (type, value, traceback) tuple the app passed as exc_info.</summary>
    private static PyObj Reraise(PyObj excInfo)
    {
        if (!Py.PyTuple_Check(excInfo) || Py.PyTuple_Size(excInfo) != 3)
            return Raise(Py.PyExc_TypeError, "exc_info must be a (type, value, traceback) tuple");
        PyObj type = Py.PyTuple_GetItem(excInfo, 0), value = Py.PyTuple_GetItem(excInfo, 1), tb = Py.PyTuple_GetItem(excInfo, 2);
        // PyErr_Restore steals one reference to each.
        Py.Py_IncRef(type);
        Py.Py_IncRef(value);
        Py.Py_IncRef(tb);
        Py.PyErr_Restore(type, value, tb == Py.Py_None ? PyObj.Null : tb);
        if (tb == Py.Py_None) Py.Py_DecRef(tb);
        return PyObj.Null;
    }
}
