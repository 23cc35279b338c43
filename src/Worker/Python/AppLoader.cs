// Overview
// Loads the configured WSGI apps into the running interpreter, numbered as uWSGI does (§2.4):
// the `module`/`wsgi-file` app first (mountpoint ""), then each `mount` in order; app 0 is the
// default app. A wsgi-file runs as module "uwsgi_file_<path with / and . as _, .py dropped>"
// like uWSGI's, with its directory on sys.path so sibling packages import (`from app import app`).
// Every failure is an AppLoadException naming what was loaded and carrying the Python traceback.

using System.Text;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Python.CPython;

namespace DotnetWsgi.Worker.Python;

/// <summary>One loaded app. MountPoint is "" for the module/wsgi-file app, else "/prefix" without a trailing slash.</summary>
internal sealed class WsgiApp(PyObj callable, string mountPoint, string description)
{
    public PyObj Callable { get; } = callable;
    public string MountPoint { get; } = mountPoint;
    public byte[] MountBytes { get; } = Encoding.Latin1.GetBytes(mountPoint);
    /// <summary>The mountpoint as a str, for SCRIPT_NAME (owned for the process lifetime).</summary>
    public PyObj MountStr { get; } = PyText.FromLatin1(Encoding.Latin1.GetBytes(mountPoint)).Release();
    public string Description { get; } = description;
}

internal sealed unsafe class AppLoader(PythonRuntime runtime, ServerOptions options)
{
    /// <summary>Loads every app (GIL held). Throws AppLoadException on the first failure.</summary>
    public List<WsgiApp> LoadAll()
    {
        var apps = new List<WsgiApp>();
        if (options.WsgiFile is { } file)
            apps.Add(LoadFile(file, options.Callable, ""));
        else if (options.Module is { } module)
            apps.Add(LoadModule(module, ""));
        foreach (var mount in options.Mounts)
        {
            string point = mount.MountPoint.TrimEnd('/');
            apps.Add(IsFileTarget(mount.Target)
                ? LoadFile(mount.Target, options.Callable, point)
                : LoadModule(mount.Target, point));
        }
        if (apps.Count == 0)
            throw new AppLoadException("no Python application configured (set module, wsgi-file or mount)");
        return apps;
    }

    /// <summary>The directory a wsgi-file lives in (added to sys.path before loading).</summary>
    public static string FileDirectory(string path) => Path.GetDirectoryName(Path.GetFullPath(path))!;

    /// <summary>uWSGI's module name for a wsgi-file: uwsgi_file_ + the path with '/' and '.' as '_', minus ".py".</summary>
    public static string ModuleNameForFile(string path)
    {
        string name = path.EndsWith(".py", StringComparison.Ordinal) ? path[..^3] : path;
        return "uwsgi_file_" + name.Replace('/', '_').Replace('.', '_');
    }

    private static bool IsFileTarget(string target)
        => target.EndsWith(".py", StringComparison.Ordinal) || target.EndsWith(".wsgi", StringComparison.Ordinal)
           || (target.Contains('/') && !target.Contains(':'));

    private WsgiApp LoadFile(string path, string callable, string mountPoint)
    {
        string what = $"wsgi-file {path} (callable {callable})";
        if (!File.Exists(path))
            throw new AppLoadException($"{what}: file not found (working directory {Environment.CurrentDirectory})");
        using var loader = runtime.ShimAttr("load_file");
        using var pathStr = PyText.FromString(path);
        using var nameStr = PyText.FromString(ModuleNameForFile(path));
        using var module = Try(what, () => PyText.Call(loader, pathStr, nameStr));
        return new WsgiApp(GetCallable(module, callable, what), mountPoint, what);
    }

    private WsgiApp LoadModule(string spec, string mountPoint)
    {
        int colon = spec.LastIndexOf(':');
        string moduleName = colon < 0 ? spec : spec[..colon];
        string callable = colon < 0 ? options.Callable : spec[(colon + 1)..];
        string what = $"module {moduleName} (callable {callable})";
        using var loader = runtime.ShimAttr("load_module");
        using var nameStr = PyText.FromString(moduleName);
        using var module = Try(what, () => PyText.Call(loader, nameStr));
        return new WsgiApp(GetCallable(module, callable, what), mountPoint, what);
    }

    private static PyObj GetCallable(PyObj module, string callable, string what)
    {
        var app = PyText.GetAttr(module, callable);
        if (app.IsNull)
        {
            Py.PyErr_Clear();
            throw new AppLoadException($"{what}: the module has no attribute {callable}");
        }
        if (Py.PyCallable_Check(app) == 0)
        {
            app.Dispose();
            throw new AppLoadException($"{what}: {callable} is not callable");
        }
        return app.Release(); // apps live as long as the process
    }

    private static PyRef Try(string what, Func<PyRef> load)
    {
        try
        {
            return load();
        }
        catch (PythonException e)
        {
            throw new AppLoadException($"failed to load {what}:\n{e.Traceback.TrimEnd()}");
        }
    }
}
