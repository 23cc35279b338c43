// wsgi.input's primitive: _read(token, size, partial) -> bytes. The shim's Input class does the
// buffering (readline, iteration); this reads the request body from the serving layer with the GIL
// released. size < 0 reads to the end; partial returns after the first successful read (readline
// must not wait for more than the client sent). Serving-layer errors surface as OSError.

using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DotnetWsgi.Worker.Python.CPython;

namespace DotnetWsgi.Worker.Python;

internal static unsafe partial class WsgiCallbacks
{
    private const int ReadBlock = 64 * 1024;
    private const int DirectReadMax = 16 * 1024 * 1024;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static PyObj Read(PyObj self, PyObj* args, nint nargs)
    {
        byte[]? buffer = null;
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
            // The body never exceeds its Content-Length: a bigger read(n) needs no bigger buffer.
            if (!partial && size > 0 && st.Ctx!.Body is { } body
                && Math.Min(size, body.ContentLength ?? ReadBlock) is var direct and > 0 and <= DirectReadMax)
                return ReadDirect(st, body, (int)direct, size);
            int total;
            try
            {
                using (Gil.Release())
                    total = ReadBody(st.Ctx!.Body, size, partial, out buffer);
            }
            catch (Exception e)
            {
                return ReadFailed(st, e, size);
            }
            fixed (byte* p = buffer)
                return Py.PyBytes_FromStringAndSize(p, total).Release();
        }
        catch (Exception e)
        {
            return Raise(Py.PyExc_RuntimeError, $"wsgi.input failed: {e.Message}");
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// read(n) straight into a new bytes object of n bytes (no staging copy: a 64 KiB POST lands in
    /// Python's buffer directly), shrunk in place if the body ends sooner. GIL held on entry and exit.
    /// </summary>
    private static PyObj ReadDirect(RequestState st, Hosting.IRequestBody body, int size, long asked)
    {
        PyObj bytes = Py.PyBytes_FromStringAndSize(null, size).Release(); // uninitialised contents
        if (bytes.IsNull) return PyObj.Null;
        byte* p;
        nint len;
        if (Py.PyBytes_AsStringAndSize(bytes, &p, &len) != 0) { Py.Py_DecRef(bytes); return PyObj.Null; }
        int total;
        try
        {
            using (Gil.Release())
                total = ReadLoop(body, new Span<byte>(p, size), partial: false);
        }
        catch (Exception e)
        {
            Py.Py_DecRef(bytes);
            return ReadFailed(st, e, asked);
        }
        if (total < size && Py._PyBytes_Resize(&bytes, total) != 0) return PyObj.Null;
        return bytes;
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

    /// <summary>Reads up to size bytes (all when size &lt; 0) into a pooled buffer. No GIL.</summary>
    private static int ReadBody(Hosting.IRequestBody? body, long size, bool partial, out byte[] buffer)
    {
        long hint = size >= 0 ? size : Math.Min(body?.ContentLength ?? ReadBlock, int.MaxValue - 64);
        buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(hint, 1, ReadBlock * 16));
        if (body is null) return 0;
        int total = 0;
        while (size < 0 || total < size)
        {
            if (total == buffer.Length) Grow(ref buffer);
            int want = buffer.Length - total;
            if (size >= 0) want = (int)Math.Min(want, size - total);
            int n = body.Read(buffer.AsSpan(total, want));
            if (n <= 0) break;
            total += n;
            if (partial) break;
        }
        return total;
    }

    private static void Grow(ref byte[] buffer)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(checked(buffer.Length * 2));
        buffer.AsSpan().CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = bigger;
    }
}
