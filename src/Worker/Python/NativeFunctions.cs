// Overview
// The C functions the gateway gives to Python, created once per process: a PyMethodDef table in
// native memory (CPython keeps pointers into it for the process lifetime) whose entries point at
// WsgiCallbacks' [UnmanagedCallersOnly] methods. start_response and write are module-less builtins
// shared by every request (their request comes from the calling thread); _read is installed into
// the shim for its Input class.

using System.Runtime.InteropServices;
using DotnetWsgi.Worker.Python.CPython;

namespace DotnetWsgi.Worker.Python;

internal static unsafe class NativeFunctions
{
    private const int METH_KEYWORDS = 0x0002, METH_NOARGS = 0x0004, METH_O = 0x0008, METH_FASTCALL = 0x0080;

    [StructLayout(LayoutKind.Sequential)]
    private struct PyMethodDef
    {
        public byte* ml_name;
        public void* ml_meth;
        public int ml_flags;
        public byte* ml_doc;
    }

    public static PyObj StartResponse { get; private set; }
    public static PyObj Write { get; private set; }

    /// <summary>Creates the functions (GIL held) and gives _read to the shim.</summary>
    public static void Install(PyObj shim)
    {
        var defs = (PyMethodDef*)NativeMemory.AllocZeroed((nuint)(3 * sizeof(PyMethodDef)));
        defs[0] = Def("start_response", (delegate* unmanaged[Cdecl]<PyObj, PyObj*, nint, PyObj, PyObj>)&WsgiCallbacks.StartResponse, METH_FASTCALL | METH_KEYWORDS);
        defs[1] = Def("write", (delegate* unmanaged[Cdecl]<PyObj, PyObj, PyObj>)&WsgiCallbacks.Write, METH_O);
        defs[2] = Def("_read", (delegate* unmanaged[Cdecl]<PyObj, PyObj*, nint, PyObj>)&WsgiCallbacks.Read, METH_FASTCALL);
        StartResponse = Py.PyCFunction_NewEx(&defs[0], PyObj.Null, PyObj.Null).Check().Release();
        Write = Py.PyCFunction_NewEx(&defs[1], PyObj.Null, PyObj.Null).Check().Release();
        using var read = Py.PyCFunction_NewEx(&defs[2], PyObj.Null, PyObj.Null).Check();
        fixed (byte* name = "_read\0"u8)
            if (Py.PyObject_SetAttrString(shim, name, read) != 0) throw PythonException.Fetch();
        InstallUwsgiApi(shim);
    }

    /// <summary>The `uwsgi` module's shared services (UwsgiApiCallbacks), as shim attributes the module's wrappers call.</summary>
    private static void InstallUwsgiApi(PyObj shim)
    {
        const int count = 7;
        var defs = (PyMethodDef*)NativeMemory.AllocZeroed((nuint)(count * sizeof(PyMethodDef)));
        defs[0] = Def("_cache", (delegate* unmanaged[Cdecl]<PyObj, PyObj*, nint, PyObj>)&UwsgiApiCallbacks.Cache, METH_FASTCALL);
        defs[1] = Def("_lock", (delegate* unmanaged[Cdecl]<PyObj, PyObj, PyObj>)&UwsgiApiCallbacks.Lock, METH_O);
        defs[2] = Def("_unlock", (delegate* unmanaged[Cdecl]<PyObj, PyObj, PyObj>)&UwsgiApiCallbacks.Unlock, METH_O);
        defs[3] = Def("_signal", (delegate* unmanaged[Cdecl]<PyObj, PyObj*, nint, PyObj>)&UwsgiSignalCallbacks.Signal, METH_FASTCALL);
        defs[4] = Def("_workers", (delegate* unmanaged[Cdecl]<PyObj, PyObj, PyObj>)&UwsgiSignalCallbacks.Workers, METH_NOARGS);
        defs[5] = Def("_total_requests", (delegate* unmanaged[Cdecl]<PyObj, PyObj, PyObj>)&UwsgiSignalCallbacks.TotalRequests, METH_NOARGS);
        defs[6] = Def("_logvar", (delegate* unmanaged[Cdecl]<PyObj, PyObj*, nint, PyObj>)&UwsgiApiCallbacks.LogVar, METH_FASTCALL);
        for (int i = 0; i < count; i++)
        {
            using var fn = Py.PyCFunction_NewEx(&defs[i], PyObj.Null, PyObj.Null).Check();
            if (Py.PyObject_SetAttrString(shim, defs[i].ml_name, fn) != 0) throw PythonException.Fetch();
        }
    }

    private static PyMethodDef Def(string name, void* fn, int flags) => new()
    {
        ml_name = (byte*)Marshal.StringToCoTaskMemUTF8(name),
        ml_meth = fn,
        ml_flags = flags,
        ml_doc = null,
    };
}
