// Symbol resolution for Py (generated from the declarations in Py.cs; keep in the same order).

namespace DotnetWsgi.Worker.Python.CPython;

public static unsafe partial class Py
{
    private static void BindLifecycle(Resolver r)
    {
        Py_InitializeEx = (delegate* unmanaged<int, void>)r.Fn("Py_InitializeEx");
        Py_IsInitialized = (delegate* unmanaged<int>)r.Fn("Py_IsInitialized");
        Py_DecodeLocale = (delegate* unmanaged<byte*, nint*, void*>)r.Fn("Py_DecodeLocale");
        Py_SetProgramName = (delegate* unmanaged<void*, void>)r.Fn("Py_SetProgramName");
        Py_SetPythonHome = (delegate* unmanaged<void*, void>)r.Fn("Py_SetPythonHome");
        PyEval_SaveThread = (delegate* unmanaged<PyThreadState>)r.Fn("PyEval_SaveThread");
        PyEval_RestoreThread = (delegate* unmanaged<PyThreadState, void>)r.Fn("PyEval_RestoreThread");
        PyThreadState_New = (delegate* unmanaged<PyInterpreterState, PyThreadState>)r.Fn("PyThreadState_New");
        PyThreadState_Clear = (delegate* unmanaged<PyThreadState, void>)r.Fn("PyThreadState_Clear");
        PyThreadState_Delete = (delegate* unmanaged<PyThreadState, void>)r.Fn("PyThreadState_Delete");
        PyThreadState_DeleteCurrent = (delegate* unmanaged<void>)r.Fn("PyThreadState_DeleteCurrent");
        PyInterpreterState_Main = (delegate* unmanaged<PyInterpreterState>)r.Fn("PyInterpreterState_Main");
        PyGILState_Check = (delegate* unmanaged<int>)r.Fn("PyGILState_Check");
    }

    private static void BindObjects(Resolver r)
    {
        Py_IncRef = (delegate* unmanaged<PyObj, void>)r.Fn("Py_IncRef");
        Py_DecRef = (delegate* unmanaged<PyObj, void>)r.Fn("Py_DecRef");
        PyType_GetFlags = (delegate* unmanaged<IntPtr, ulong>)r.Fn("PyType_GetFlags");
        PyObject_GetAttrString = (delegate* unmanaged<PyObj, byte*, PyRef>)r.Fn("PyObject_GetAttrString");
        PyObject_HasAttrString = (delegate* unmanaged<PyObj, byte*, int>)r.Fn("PyObject_HasAttrString");
        PyObject_SetAttrString = (delegate* unmanaged<PyObj, byte*, PyObj, int>)r.Fn("PyObject_SetAttrString");
        PyObject_IsTrue = (delegate* unmanaged<PyObj, int>)r.Fn("PyObject_IsTrue");
        PyObject_Vectorcall = (delegate* unmanaged<PyObj, PyObj*, nuint, PyObj, PyRef>)r.Fn("PyObject_Vectorcall");
        PyObject_CallOneArg = (delegate* unmanaged<PyObj, PyObj, PyRef>)r.Fn("PyObject_CallOneArg");
        PyObject_CallNoArgs = (delegate* unmanaged<PyObj, PyRef>)r.Fn("PyObject_CallNoArgs");
        PyObject_GetIter = (delegate* unmanaged<PyObj, PyRef>)r.Fn("PyObject_GetIter");
        PyIter_Next = (delegate* unmanaged<PyObj, PyRef>)r.Fn("PyIter_Next");
        PyObject_Str = (delegate* unmanaged<PyObj, PyRef>)r.Fn("PyObject_Str");
        PyCallable_Check = (delegate* unmanaged<PyObj, int>)r.Fn("PyCallable_Check");
        PyDict_New = (delegate* unmanaged<PyRef>)r.Fn("PyDict_New");
        PyDict_Copy = (delegate* unmanaged<PyObj, PyRef>)r.Fn("PyDict_Copy");
        PyDict_SetItem = (delegate* unmanaged<PyObj, PyObj, PyObj, int>)r.Fn("PyDict_SetItem");
        PyDict_SetItemString = (delegate* unmanaged<PyObj, byte*, PyObj, int>)r.Fn("PyDict_SetItemString");
        PyDict_GetItemWithError = (delegate* unmanaged<PyObj, PyObj, PyObj>)r.Fn("PyDict_GetItemWithError");
        PyList_New = (delegate* unmanaged<nint, PyRef>)r.Fn("PyList_New");
        PyList_Append = (delegate* unmanaged<PyObj, PyObj, int>)r.Fn("PyList_Append");
        PyList_Size = (delegate* unmanaged<PyObj, nint>)r.Fn("PyList_Size");
        PyList_GetItem = (delegate* unmanaged<PyObj, nint, PyObj>)r.Fn("PyList_GetItem");
        PyTuple_Size = (delegate* unmanaged<PyObj, nint>)r.Fn("PyTuple_Size");
        PyTuple_GetItem = (delegate* unmanaged<PyObj, nint, PyObj>)r.Fn("PyTuple_GetItem");
    }

    private static void BindStrings(Resolver r)
    {
        PyUnicode_DecodeLatin1 = (delegate* unmanaged<byte*, nint, byte*, PyRef>)r.Fn("PyUnicode_DecodeLatin1");
        PyUnicode_FromStringAndSize = (delegate* unmanaged<byte*, nint, PyRef>)r.Fn("PyUnicode_FromStringAndSize");
        PyUnicode_InternFromString = (delegate* unmanaged<byte*, PyRef>)r.Fn("PyUnicode_InternFromString");
        PyUnicode_AsUTF8AndSize = (delegate* unmanaged<PyObj, nint*, byte*>)r.Fn("PyUnicode_AsUTF8AndSize");
        PyUnicode_AsLatin1String = (delegate* unmanaged<PyObj, PyRef>)r.Fn("PyUnicode_AsLatin1String");
        PyBytes_FromStringAndSize = (delegate* unmanaged<byte*, nint, PyRef>)r.Fn("PyBytes_FromStringAndSize");
        PyBytes_AsStringAndSize = (delegate* unmanaged<PyObj, byte**, nint*, int>)r.Fn("PyBytes_AsStringAndSize");
        _PyBytes_Resize = (delegate* unmanaged<PyObj*, nint, int>)r.Fn("_PyBytes_Resize");
        PyLong_FromLongLong = (delegate* unmanaged<long, PyRef>)r.Fn("PyLong_FromLongLong");
        PyLong_AsLongLong = (delegate* unmanaged<PyObj, long>)r.Fn("PyLong_AsLongLong");
        PyBool_FromLong = (delegate* unmanaged<long, PyRef>)r.Fn("PyBool_FromLong");
    }

    private static void BindErrorsAndModules(Resolver r)
    {
        PyErr_Occurred = (delegate* unmanaged<PyObj>)r.Fn("PyErr_Occurred");
        PyErr_Fetch = (delegate* unmanaged<PyObj*, PyObj*, PyObj*, void>)r.Fn("PyErr_Fetch");
        PyErr_NormalizeException = (delegate* unmanaged<PyObj*, PyObj*, PyObj*, void>)r.Fn("PyErr_NormalizeException");
        PyErr_Restore = (delegate* unmanaged<PyObj, PyObj, PyObj, void>)r.Fn("PyErr_Restore");
        PyErr_Clear = (delegate* unmanaged<void>)r.Fn("PyErr_Clear");
        PyErr_SetString = (delegate* unmanaged<PyObj, byte*, void>)r.Fn("PyErr_SetString");
        PyErr_ExceptionMatches = (delegate* unmanaged<PyObj, int>)r.Fn("PyErr_ExceptionMatches");
        Py_CompileString = (delegate* unmanaged<byte*, byte*, int, PyRef>)r.Fn("Py_CompileString");
        PyImport_ExecCodeModule = (delegate* unmanaged<byte*, PyObj, PyRef>)r.Fn("PyImport_ExecCodeModule");
        PyImport_ImportModule = (delegate* unmanaged<byte*, PyRef>)r.Fn("PyImport_ImportModule");
        PyCFunction_NewEx = (delegate* unmanaged<void*, PyObj, PyObj, PyRef>)r.Fn("PyCFunction_NewEx");
        PyExc_OSError = r.Var("PyExc_OSError");
        PyExc_TypeError = r.Var("PyExc_TypeError");
        PyExc_ValueError = r.Var("PyExc_ValueError");
        PyExc_AssertionError = r.Var("PyExc_AssertionError");
        PyExc_RuntimeError = r.Var("PyExc_RuntimeError");
        PyExc_AttributeError = r.Var("PyExc_AttributeError");
        PyExc_StopIteration = r.Var("PyExc_StopIteration");
        Py_None = r.Static("_Py_NoneStruct");
        Py_True = r.Static("_Py_TrueStruct");
        Py_False = r.Static("_Py_FalseStruct");
    }
}
