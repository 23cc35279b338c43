// The per-request environ: a copy of the constant base dict, every request var as
// a latin-1 str under a cached key object (the last duplicate wins, as dict assignment does),
// wsgi.url_scheme, a fresh wsgi.input, uwsgi.core when threaded; then the app is chosen by mount
// (manage-script-name: longest mountpoint prefix of PATH_INFO on a '/' boundary, moved to
// SCRIPT_NAME; otherwise SCRIPT_NAME naming a mountpoint exactly). Magic UWSGI_* vars from the
// wire are plain environ entries here: they never select or load code.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Python.CPython;

namespace DotnetWsgi.Worker.Python;

internal sealed unsafe partial class WsgiGateway
{
    private readonly KeyCache _keys = new();
    private readonly PyObj _baseEnviron, _inputClass, _http, _https;
    private readonly PyObj _kPathInfo, _kScriptName, _kUwsgiScheme, _kForwardedProto, _kHttps, _kForwardedSsl;
    private readonly PyObj _kInput, _kUrlScheme, _kCore;
    private readonly bool _manageScriptName, _multithread;

    private static PyObj BuildBaseEnviron(PythonRuntime runtime, ServerOptions options)
    {
        using var factory = runtime.ShimAttr("base_environ");
        using var version = PyText.Bytes(System.Text.Encoding.ASCII.GetBytes(PythonApplicationHost.UwsgiVersion));
        using var node = PyText.Bytes(System.Text.Encoding.UTF8.GetBytes(Environment.MachineName));
        return PyText.Call(factory,
            Bool(options.Threads > 1), Bool(options.Processes > 1), version, node, Bool(!options.WsgiDisableFileWrapper)).Release();
    }

    private static PyObj Bool(bool b) => b ? Py.Py_True : Py.Py_False;

    private PyRef BuildEnviron(RequestState st, RequestContext ctx, out WsgiApp app)
    {
        var vars = ctx.Vars;
        var env = Py.PyDict_Copy(_baseEnviron).Check();
        try
        {
            int path = -1, script = -1, scheme = -1, proto = -1, https = -1, ssl = -1;
            for (int i = 0; i < vars.Count; i++)
            {
                PyObj key = SetVar(env, vars.Key(i), vars.Value(i));
                if (key == _kPathInfo) path = i;
                else if (key == _kScriptName) script = i;
                else if (key == _kUwsgiScheme) scheme = i;
                else if (key == _kForwardedProto) proto = i;
                else if (key == _kHttps) https = i;
                else if (key == _kForwardedSsl) ssl = i;
            }
            SetUrlScheme(env, vars, scheme >= 0 ? scheme : proto, https, ssl);
            SetInput(env, st);
            if (_multithread)
            {
                using var core = Py.PyLong_FromLongLong(ctx.CoreId).Check();
                SetItem(env, _kCore, core);
            }
            app = SelectApp(env, vars, path, script);
            return env;
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }

    /// <summary>env[key] = value (both latin-1); returns the key object (cached, so comparable by identity).</summary>
    private PyObj SetVar(PyObj env, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        PyObj key = _keys.Get(name);
        using var uncached = key.IsNull ? PyText.FromLatin1(name) : default;
        if (key.IsNull) key = uncached;
        using var v = PyText.FromLatin1(value);
        SetItem(env, key, v);
        return key;
    }

    private static void SetItem(PyObj env, PyObj key, PyObj value)
    {
        if (Py.PyDict_SetItem(env, key, value) != 0) throw PythonException.Fetch();
    }

    /// <summary>UWSGI_SCHEME or X-Forwarded-Proto as given; else https when HTTPS/X-Forwarded-SSL starts with on or 1.</summary>
    private void SetUrlScheme(PyObj env, RequestVars vars, int explicitScheme, int https, int ssl)
    {
        if (explicitScheme >= 0)
        {
            using var s = PyText.FromLatin1(vars.Value(explicitScheme));
            SetItem(env, _kUrlScheme, s);
            return;
        }
        bool secure = (https >= 0 && IsOn(vars.Value(https))) || (ssl >= 0 && IsOn(vars.Value(ssl)));
        SetItem(env, _kUrlScheme, secure ? _https : _http);
    }

    private static bool IsOn(ReadOnlySpan<byte> v)
        => (v.Length > 0 && v[0] == (byte)'1')
           || (v.Length >= 2 && (v[0] | 0x20) == 'o' && (v[1] | 0x20) == 'n');

    private void SetInput(PyObj env, RequestState st)
    {
        using var token = Py.PyLong_FromLongLong(st.Token).Check();
        using var input = Py.PyObject_CallOneArg(_inputClass, token).Check();
        SetItem(env, _kInput, input);
    }

    private WsgiApp SelectApp(PyObj env, RequestVars vars, int path, int script)
    {
        if (_apps.Count == 1) return _apps[0];
        if (_manageScriptName)
        {
            if (path < 0) return _apps[0];
            var pathInfo = vars.Value(path);
            WsgiApp? best = null;
            foreach (var app in _apps)
            {
                var mount = app.MountBytes;
                if (mount.Length == 0 || (best is not null && best.MountBytes.Length >= mount.Length)) continue;
                if (pathInfo.StartsWith(mount) && (pathInfo.Length == mount.Length || pathInfo[mount.Length] == (byte)'/'))
                    best = app;
            }
            if (best is null) return _apps[0];
            SetItem(env, _kScriptName, best.MountStr);
            using var rest = PyText.FromLatin1(pathInfo[best.MountBytes.Length..]);
            SetItem(env, _kPathInfo, rest);
            return best;
        }
        // No (or an empty) SCRIPT_NAME means the default app, as in uWSGI.
        var scriptName = script >= 0 ? vars.Value(script) : default;
        if (scriptName.Length > 0 && scriptName[^1] == (byte)'/') scriptName = scriptName[..^1];
        if (scriptName.IsEmpty) return _apps[0];
        foreach (var app in _apps)
            if (scriptName.SequenceEqual(app.MountBytes)) return app;
        return _apps[0];
    }
}
