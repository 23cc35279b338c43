// wsgi.input's primitive: _read(token, size, partial) -> bytes. The shim's Input class does the
// buffering (readline, iteration); this reads the request body from the serving layer with the GIL
// released. size < 0 reads to the end; partial returns after the first successful read (readline
// must not wait for more than the client sent). Serving-layer errors surface as OSError.
//
// Every read lands straight in the bytes object the app gets: a bytes object is allocated
// uninitialised (PyBytes_FromStringAndSize(NULL, n)), filled from the body without the GIL (the
// serving layer receives into it directly once nothing is buffered), then shrunk in place to what
// arrived. No managed staging buffer, so each body byte is copied once between the socket and Python
// (plus, for at most a receive window of bytes that came with the request head, once out of the
// connection buffer). A read of unknown length (chunked, or past a 16 MiB first allocation) grows the
// object by doubling with _PyBytes_Resize (realloc: large blocks are remapped, not copied).

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DotnetWsgi.Worker.Python.CPython;

namespace DotnetWsgi.Worker.Python;

internal static unsafe partial class WsgiCallbacks
{
    /// <summary>First allocation for a read whose length is not known (chunked body, readline).</summary>
    private const int ReadBlock = 64 * 1024;
    /// <summary>Largest first allocation, for a Content-Length body: a huge declared length grows by doubling.</summary>
    private const int DirectReadMax = 16 * 1024 * 1024;
    private const int BytesMax = int.MaxValue - 64;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static PyObj Read(PyObj self, PyObj* args, nint nargs)
    {
        try
        {
            if (nargs != 3) return Raise(Py.PyExc_TypeError, "_read(token, size, partial)");
            long token = Py.PyLong_AsLongLong(args[0]);
            long size = Py.PyLong_AsLongLong(args[1]);
            if (!Py.PyErr_Occurred().IsNull) return PyObj.Null;
            var st = RequestState.Active;
            if (st is null || st.Token != token)
                return Raise(Py.PyExc_OSError, "wsgi.input used after its request ended");
            bool partial = Py.PyObject_IsTrue(args[2]) == 1;
            return ReadDirect(st, st.Ctx!.Body, size, partial);
        }
        catch (Exception e)
        {
            return Raise(Py.PyExc_RuntimeError, $"wsgi.input failed: {e.Message}");
        }
    }

    /// <summary>
    /// Reads up to size bytes (all when size &lt; 0) into a new bytes object, growing it while the
    /// body goes on and shrinking it to what arrived. GIL held on entry and exit, released around reads.
    /// </summary>
    private static PyObj ReadDirect(RequestState st, Hosting.IRequestBody? body, long size, bool partial)
    {
        // The body never exceeds its Content-Length: a bigger read needs no bigger object.
        long want = size < 0 ? long.MaxValue : size;
        if (body?.ContentLength is { } declared) want = Math.Min(want, declared);
        if (body is null || want == 0) return Py.PyBytes_FromStringAndSize(null, 0).Release();
        long first = partial || body.ContentLength is null ? ReadBlock : DirectReadMax;
        int capacity = (int)Math.Min(want, first);
        PyObj bytes = Py.PyBytes_FromStringAndSize(null, capacity).Release(); // uninitialised contents
        if (bytes.IsNull) return PyObj.Null;
        int total = 0;
        while (true)
        {
            byte* p = Data(bytes);
            int n = ReadWithoutGil(body, new Span<byte>(p + total, capacity - total), partial, out var error);
            if (error is not null) { Py.Py_DecRef(bytes); return ReadFailed(st, error, size); }
            total += n;
            // Done: a partial read, the body ended (short), or everything asked for arrived.
            if (partial || total < capacity || total == want || capacity == BytesMax) break;
            // Full, and the body may go on: probe one byte before growing, so a body that ends right
            // here (a 64 KiB chunked upload read with read()) is not reallocated for nothing.
            byte probe;
            n = ReadWithoutGil(body, new Span<byte>(&probe, 1), partial: false, out error);
            if (error is not null) { Py.Py_DecRef(bytes); return ReadFailed(st, error, size); }
            if (n == 0) break;
            capacity = (int)Math.Min(Math.Min(want, BytesMax), 2L * capacity);
            if (Py._PyBytes_Resize(&bytes, capacity) != 0) return PyObj.Null; // frees bytes on failure
            Data(bytes)[total++] = probe;
        }
        if (total < capacity && Py._PyBytes_Resize(&bytes, total) != 0) return PyObj.Null;
        return bytes;
    }

    /// <summary>The bytes object's buffer (an exact bytes object: no error path).</summary>
    private static byte* Data(PyObj bytes)
    {
        byte* p;
        nint len;
        Py.PyBytes_AsStringAndSize(bytes, &p, &len);
        return p;
    }

    /// <summary>ReadLoop with the GIL released (held on entry and exit); the failure is returned, not thrown.</summary>
    private static int ReadWithoutGil(Hosting.IRequestBody body, Span<byte> destination, bool partial, out Exception? error)
    {
        error = null;
        try
        {
            using (Gil.Release())
                return ReadLoop(body, destination, partial);
        }
        catch (Exception e)
        {
            error = e;
            return 0;
        }
    }

    /// <summary>Raises the OSError the app sees for a failed body read (GIL held).</summary>
    private static PyObj ReadFailed(RequestState st, Exception e, long asked)
    {
        if (e is not Hosting.RequestBodyException) return Raise(Py.PyExc_OSError, $"error reading wsgi.input: {e.Message}");
        // uWSGI's wording names the size the app asked for; the serving layer logs
        // the details (consumed/left).
        if (!e.Message.StartsWith("timeout", StringComparison.Ordinal)) return Raise(Py.PyExc_OSError, e.Message);
        if (asked < 0) asked = st.Ctx!.Body?.ContentLength ?? -1;
        return Raise(Py.PyExc_OSError, $"timeout during read({asked}) on wsgi.input");
    }

    /// <summary>Fills destination from the body (no GIL); stops at its end, or after one read when partial.</summary>
    private static int ReadLoop(Hosting.IRequestBody body, Span<byte> destination, bool partial)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = body.Read(destination[total..]);
            if (n <= 0) break;
            total += n;
            if (partial) break;
        }
        return total;
    }
}
