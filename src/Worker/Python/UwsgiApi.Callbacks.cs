// The C functions behind the `uwsgi` module's shared services, installed into the shim as _cache,
// _lock, _unlock, _signal and _workers (the shim's Python wrappers check and convert arguments:
// keys and values arrive as bytes, cache names as str or None). Blocking waits (a held lock, the
// signal thread's poll) release the GIL; cache operations are short and keep it.

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DotnetWsgi.Native.PythonApi;
using DotnetWsgi.Worker.Python.CPython;

namespace DotnetWsgi.Worker.Python;

internal static unsafe class UwsgiApiCallbacks
{
    private static UwsgiApi? Api => UwsgiApi.Current;

    private static PyObj NoMaster(string what)
        => WsgiCallbacks.Raise(Py.PyExc_RuntimeError, $"uwsgi.{what}: no dotnetwsgi master shares this service with this process");

    private static long L(PyObj o) => Py.PyLong_AsLongLong(o);
    private static string? S(PyObj o) => o == Py.Py_None ? null : PyText.ToStringUtf8(o);
    private static bool Failed => !Py.PyErr_Occurred().IsNull;

    private static ReadOnlySpan<byte> B(PyObj o)
    {
        byte* p;
        nint n;
        if (Py.PyBytes_AsStringAndSize(o, &p, &n) != 0) return default;
        return new ReadOnlySpan<byte>(p, (int)n);
    }

    private static PyObj Bool(bool b) => Py.PyBool_FromLong(b ? 1 : 0).Release();
    private static PyObj None() { Py.Py_IncRef(Py.Py_None); return Py.Py_None; }
    private static PyObj Long(long v) => Py.PyLong_FromLongLong(v).Release();

    /// <summary>_cache(op, name, key, value, expires): op is get set update exists del clear keys inc dec mul div.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static PyObj Cache(PyObj self, PyObj* args, nint nargs)
    {
        try
        {
            if (nargs != 5) return WsgiCallbacks.Raise(Py.PyExc_TypeError, "_cache(op, name, key, value, expires)");
            if (Api is not { } api) return NoMaster("cache");
            string op = S(args[0]) ?? "";
            string? name = S(args[1]);
            if (api.Cache(name) is not { } cache)
                return WsgiCallbacks.Raise(Py.PyExc_ValueError, name is null ? "no cache is configured (set cache2 = name=...,items=...)" : $"no cache named '{name}'");
            long now = SharedCache.Now;
            if (op is "clear") { cache.Clear(); return Bool(true); }
            if (op is "keys") return Keys(cache, now);
            var key = B(args[2]);
            if (Failed) return PyObj.Null;
            long expires = L(args[4]);
            return op switch
            {
                "get" => cache.Get(key, now) is { } v ? PyText.Bytes(v).Release() : None(),
                "exists" => Bool(cache.Exists(key, now)),
                "del" => Bool(cache.Delete(key, now)),
                "set" or "update" => Set(cache, key, args[3], expires, op == "update", now),
                "inc" or "dec" or "mul" or "div" => Math(cache, key, op, L(args[3]), expires, now),
                _ => WsgiCallbacks.Raise(Py.PyExc_ValueError, $"unknown cache operation {op}"),
            };
        }
        catch (Exception e)
        {
            return WsgiCallbacks.Raise(Py.PyExc_RuntimeError, $"uwsgi cache: {e.Message}");
        }
    }

    private static PyObj Set(SharedCache cache, ReadOnlySpan<byte> key, PyObj valueObj, long expires, bool overwrite, long now)
    {
        var value = B(valueObj);
        if (Failed) return PyObj.Null;
        return cache.Set(key, value, expires, overwrite, now) switch
        {
            CacheSetResult.Stored => Bool(true),
            CacheSetResult.TooBig => WsgiCallbacks.Raise(Py.PyExc_ValueError,
                $"cache '{cache.Name}': key or value too big (keysize {cache.KeySize}, blocksize {cache.BlockSize} bytes)"),
            _ => None(), // the key exists (set never overwrites) or the cache is full: as uWSGI, None
        };
    }

    private static PyObj Math(SharedCache cache, ReadOnlySpan<byte> key, string op, long amount, long expires, long now)
    {
        if (Failed) return PyObj.Null;
        if (op == "div" && amount == 0) return WsgiCallbacks.Raise(Py.PyExc_ValueError, "uwsgi.cache_div: division by zero");
        char c = op switch { "inc" => '+', "dec" => '-', "mul" => '*', _ => '/' };
        return cache.Math(key, c, amount, expires, now) is { } r ? Long(r) : None();
    }

    private static PyObj Keys(SharedCache cache, long now)
    {
        using var list = Py.PyList_New(0).Check();
        foreach (var k in cache.Keys(now))
        {
            using var item = PyText.Bytes(k);
            Py.PyList_Append(list, item);
        }
        return list.Obj.NewRef().Release();
    }

    /// <summary>_logvar(key) -> value or None; _logvar(key, value) sets it for this request's log line.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static PyObj LogVar(PyObj self, PyObj* args, nint nargs)
    {
        if (nargs is < 1 or > 2) return WsgiCallbacks.Raise(Py.PyExc_TypeError, "_logvar(key[, value])");
        string key = PyText.ToStringUtf8(args[0]);
        if (nargs == 2)
        {
            Logging.RequestLogVars.Set(key, PyText.ToStringUtf8(args[1]));
            return None();
        }
        return Logging.RequestLogVars.Get(key) is { } v ? PyText.FromString(v).Release() : None();
    }

    /// <summary>_lock(n): blocks with the GIL released until user lock n is held.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static PyObj Lock(PyObj self, PyObj arg)
    {
        try
        {
            long n = L(arg);
            if (Failed) return PyObj.Null;
            if (Api is not { } api) return NoMaster("lock");
            var mutex = api.Signals.UserLock((int)n);
            using (Gil.Release()) mutex.Lock();
            return None();
        }
        catch (Exception e)
        {
            return WsgiCallbacks.Raise(Py.PyExc_RuntimeError, $"uwsgi.lock: {e.Message}");
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static PyObj Unlock(PyObj self, PyObj arg)
    {
        try
        {
            long n = L(arg);
            if (Failed) return PyObj.Null;
            if (Api is not { } api) return NoMaster("unlock");
            api.Signals.UserLock((int)n).Unlock();
            return None();
        }
        catch (Exception e)
        {
            return WsgiCallbacks.Raise(Py.PyExc_RuntimeError, $"uwsgi.unlock: {e.Message}");
        }
    }
}
