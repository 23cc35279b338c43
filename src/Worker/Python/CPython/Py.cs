// Overview
// The narrow CPython facade: the few dozen C API functions dotnetwsgi calls, resolved once from
// the dlopen'ed libpython into unmanaged function pointers (no pythonnet, no per-call marshalling).
// Names are the C API's, verbatim, so call sites read against the CPython docs. Functions returning
// a "New reference" return PyRef, "Borrowed reference" returns are PyObj. Bind() fails with the
// name of the first missing symbol. Everything here requires the GIL unless the docs say otherwise.

using System.Runtime.InteropServices;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Worker.Python.CPython;

public static unsafe partial class Py
{
    // ---- life cycle, threads, GIL ----
    public static delegate* unmanaged<int, void> Py_InitializeEx;
    public static delegate* unmanaged<int> Py_IsInitialized;
    public static delegate* unmanaged<byte*, nint*, void*> Py_DecodeLocale;
    public static delegate* unmanaged<void*, void> Py_SetProgramName;
    public static delegate* unmanaged<void*, void> Py_SetPythonHome;
    public static delegate* unmanaged<PyThreadState> PyEval_SaveThread;
    public static delegate* unmanaged<PyThreadState, void> PyEval_RestoreThread;
    public static delegate* unmanaged<PyInterpreterState, PyThreadState> PyThreadState_New;
    public static delegate* unmanaged<PyThreadState, void> PyThreadState_Clear;
    public static delegate* unmanaged<PyThreadState, void> PyThreadState_Delete;
    public static delegate* unmanaged<void> PyThreadState_DeleteCurrent;
    public static delegate* unmanaged<PyInterpreterState> PyInterpreterState_Main;
    public static delegate* unmanaged<int> PyGILState_Check;

    // ---- objects ----
    public static delegate* unmanaged<PyObj, void> Py_IncRef;
    public static delegate* unmanaged<PyObj, void> Py_DecRef;
    public static delegate* unmanaged<IntPtr, ulong> PyType_GetFlags;
    public static delegate* unmanaged<PyObj, byte*, PyRef> PyObject_GetAttrString;
    public static delegate* unmanaged<PyObj, byte*, int> PyObject_HasAttrString;
    public static delegate* unmanaged<PyObj, byte*, PyObj, int> PyObject_SetAttrString;
    public static delegate* unmanaged<PyObj, int> PyObject_IsTrue;
    public static delegate* unmanaged<PyObj, PyObj*, nuint, PyObj, PyRef> PyObject_Vectorcall;
    public static delegate* unmanaged<PyObj, PyObj, PyRef> PyObject_CallOneArg;
    public static delegate* unmanaged<PyObj, PyRef> PyObject_CallNoArgs;
    public static delegate* unmanaged<PyObj, PyRef> PyObject_GetIter;
    public static delegate* unmanaged<PyObj, PyRef> PyIter_Next;
    public static delegate* unmanaged<PyObj, PyRef> PyObject_Str;
    public static delegate* unmanaged<PyObj, int> PyCallable_Check;

    // ---- containers ----
    public static delegate* unmanaged<PyRef> PyDict_New;
    public static delegate* unmanaged<PyObj, PyRef> PyDict_Copy;
    public static delegate* unmanaged<PyObj, PyObj, PyObj, int> PyDict_SetItem;
    public static delegate* unmanaged<PyObj, byte*, PyObj, int> PyDict_SetItemString;
    public static delegate* unmanaged<PyObj, PyObj, PyObj> PyDict_GetItemWithError;
    public static delegate* unmanaged<nint, PyRef> PyList_New;
    public static delegate* unmanaged<PyObj, PyObj, int> PyList_Append;
    public static delegate* unmanaged<PyObj, nint> PyList_Size;
    public static delegate* unmanaged<PyObj, nint, PyObj> PyList_GetItem;
    public static delegate* unmanaged<PyObj, nint> PyTuple_Size;
    public static delegate* unmanaged<PyObj, nint, PyObj> PyTuple_GetItem;

    // ---- str, bytes, numbers ----
    public static delegate* unmanaged<byte*, nint, byte*, PyRef> PyUnicode_DecodeLatin1;
    public static delegate* unmanaged<byte*, nint, PyRef> PyUnicode_FromStringAndSize;
    public static delegate* unmanaged<byte*, PyRef> PyUnicode_InternFromString;
    public static delegate* unmanaged<PyObj, nint*, byte*> PyUnicode_AsUTF8AndSize;
    public static delegate* unmanaged<PyObj, PyRef> PyUnicode_AsLatin1String;
    public static delegate* unmanaged<byte*, nint, PyRef> PyBytes_FromStringAndSize;
    public static delegate* unmanaged<PyObj, byte**, nint*, int> PyBytes_AsStringAndSize;
    /// <summary>Shrinks a new, unshared bytes object in place; on failure frees it and sets *bytes to NULL.</summary>
    public static delegate* unmanaged<PyObj*, nint, int> _PyBytes_Resize;
    public static delegate* unmanaged<long, PyRef> PyLong_FromLongLong;
    public static delegate* unmanaged<PyObj, long> PyLong_AsLongLong;
    public static delegate* unmanaged<long, PyRef> PyBool_FromLong;

    // ---- errors ----
    public static delegate* unmanaged<PyObj> PyErr_Occurred;
    public static delegate* unmanaged<PyObj*, PyObj*, PyObj*, void> PyErr_Fetch;
    public static delegate* unmanaged<PyObj*, PyObj*, PyObj*, void> PyErr_NormalizeException;
    public static delegate* unmanaged<PyObj, PyObj, PyObj, void> PyErr_Restore;
    public static delegate* unmanaged<void> PyErr_Clear;
    public static delegate* unmanaged<PyObj, byte*, void> PyErr_SetString;
    public static delegate* unmanaged<PyObj, int> PyErr_ExceptionMatches;

    // ---- modules, code ----
    public static delegate* unmanaged<byte*, byte*, int, PyRef> Py_CompileString;
    public static delegate* unmanaged<byte*, PyObj, PyRef> PyImport_ExecCodeModule;
    public static delegate* unmanaged<byte*, PyRef> PyImport_ImportModule;
    public static delegate* unmanaged<void*, PyObj, PyObj, PyRef> PyCFunction_NewEx;

    // ---- data symbols: the exception types and singletons ----
    public static PyObj PyExc_OSError, PyExc_TypeError, PyExc_ValueError, PyExc_AssertionError,
        PyExc_RuntimeError, PyExc_AttributeError, PyExc_StopIteration;
    public static PyObj Py_None, Py_True, Py_False;

    public const int Py_file_input = 257;

    /// <summary>The library path Bind() used (for messages).</summary>
    public static string? LibraryPath { get; private set; }

    /// <summary>Resolves every symbol from an already dlopen'ed libpython.</summary>
    public static void Bind(IntPtr lib, string path)
    {
        var r = new Resolver(lib, path);
        BindLifecycle(r);
        BindObjects(r);
        BindStrings(r);
        BindErrorsAndModules(r);
        LibraryPath = path;
    }

    /// <summary>Type flags of o's type: Py_TYPE(o) is the second word of every PyObject.</summary>
    public static ulong TypeFlags(PyObj o) => PyType_GetFlags(((IntPtr*)o.Handle)[1]);

    public const ulong Py_TPFLAGS_LONG_SUBCLASS = 1UL << 24;
    public const ulong Py_TPFLAGS_LIST_SUBCLASS = 1UL << 25;
    public const ulong Py_TPFLAGS_TUPLE_SUBCLASS = 1UL << 26;
    public const ulong Py_TPFLAGS_BYTES_SUBCLASS = 1UL << 27;
    public const ulong Py_TPFLAGS_UNICODE_SUBCLASS = 1UL << 28;
    public const ulong Py_TPFLAGS_DICT_SUBCLASS = 1UL << 29;

    public static bool PyBytes_Check(PyObj o) => (TypeFlags(o) & Py_TPFLAGS_BYTES_SUBCLASS) != 0;
    public static bool PyUnicode_Check(PyObj o) => (TypeFlags(o) & Py_TPFLAGS_UNICODE_SUBCLASS) != 0;
    public static bool PyTuple_Check(PyObj o) => (TypeFlags(o) & Py_TPFLAGS_TUPLE_SUBCLASS) != 0;
    public static bool PyList_Check(PyObj o) => (TypeFlags(o) & Py_TPFLAGS_LIST_SUBCLASS) != 0;

    private readonly struct Resolver(IntPtr lib, string path)
    {
        public IntPtr Fn(string name)
        {
            IntPtr p = Libc.DlSym(lib, name);
            if (p == IntPtr.Zero)
                throw new Hosting.AppLoadException($"libpython {path} lacks the C API symbol {name} (unsupported Python version?)");
            return p;
        }

        /// <summary>A data symbol holding a PyObject* (PyExc_*).</summary>
        public PyObj Var(string name) => new(*(IntPtr*)Fn(name));

        /// <summary>A statically allocated object (_Py_NoneStruct): the symbol is the object.</summary>
        public PyObj Static(string name) => new(Fn(name));
    }
}
