// Overview
// Ownership of Python object references in the type system (as pythonnet's NewReference /
// BorrowedReference): PyObj is a borrowed reference (never decref'd by its holder), PyRef an owned
// one (a "New reference" in the CPython docs) that must be disposed exactly once. Both wrap a
// PyObject* and are blittable, so the C API function pointers in Py take and return them directly.
// The raw pointer stays inside this folder.

namespace DotnetWsgi.Worker.Python.CPython;

/// <summary>A borrowed reference: valid while its owner keeps it alive.</summary>
public unsafe readonly struct PyObj(IntPtr handle) : IEquatable<PyObj>
{
    internal readonly IntPtr Handle = handle;

    public bool IsNull => Handle == IntPtr.Zero;

    public static PyObj Null => default;

    /// <summary>A new owned reference to the same object (Py_IncRef).</summary>
    public PyRef NewRef()
    {
        Py.Py_IncRef(this);
        return new PyRef(Handle);
    }

    public bool Equals(PyObj other) => Handle == other.Handle;
    public override bool Equals(object? obj) => obj is PyObj o && Equals(o);
    public override int GetHashCode() => Handle.GetHashCode();
    public static bool operator ==(PyObj a, PyObj b) => a.Handle == b.Handle;
    public static bool operator !=(PyObj a, PyObj b) => a.Handle != b.Handle;
}

/// <summary>
/// An owned reference. Dispose releases it; returning it from a method passes ownership on.
/// NULL means the call that produced it raised: use Check() to turn that into a PythonException.
/// </summary>
public unsafe struct PyRef(IntPtr handle) : IDisposable
{
    internal IntPtr Handle = handle;

    public readonly bool IsNull => Handle == IntPtr.Zero;

    public readonly PyObj Obj => new(Handle);

    public static implicit operator PyObj(PyRef r) => new(r.Handle);

    /// <summary>Throws the pending Python error when this reference is NULL.</summary>
    public readonly PyRef Check() => IsNull ? throw PythonException.Fetch() : this;

    /// <summary>Hands ownership to the caller (e.g. a C function's return value) and forgets it here.</summary>
    public PyObj Release()
    {
        var h = Handle;
        Handle = IntPtr.Zero;
        return new PyObj(h);
    }

    public void Dispose()
    {
        if (Handle != IntPtr.Zero)
        {
            Py.Py_DecRef(new PyObj(Handle));
            Handle = IntPtr.Zero;
        }
    }
}

/// <summary>A PyThreadState*: one per OS thread that runs Python.</summary>
public readonly struct PyThreadState(IntPtr handle)
{
    internal readonly IntPtr Handle = handle;
    public bool IsNull => Handle == IntPtr.Zero;
}

/// <summary>A PyInterpreterState* (only the main interpreter is used).</summary>
public readonly struct PyInterpreterState(IntPtr handle)
{
    internal readonly IntPtr Handle = handle;
}
