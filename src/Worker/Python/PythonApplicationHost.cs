// Overview
// The worker's IApplicationHost for Python WSGI apps. Load: chdir, start the embedded interpreter
// (PythonRuntime, once per process), apply pythonpath/env/faulthandler through the shim, install
// the `uwsgi` module, load the apps (AppLoader), then chdir2. Serving threads attach their own
// PyThreadState and call Handle, which the WsgiGateway runs. Errors at load are AppLoadException
// (the worker exits ExitAppLoadError); errors at request time never escape Handle (500 + log).

using DotnetWsgi.Config.Options;
using DotnetWsgi.Native;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Python.CPython;

namespace DotnetWsgi.Worker.Python;

/// <param name="workerId">This worker's id (uwsgi.worker_id()), from the worker contract parsed once at start; 0 outside a master.</param>
/// <param name="masterPid">The master's pid (uwsgi.masterpid(), py-autoreload's target); 0 outside a master.</param>
/// <param name="libraryCache">Where the libpython the interpreter named is recorded for later workers (the master's run directory); null: none.</param>
public sealed unsafe class PythonApplicationHost(ServerOptions options, Serilog.ILogger log, int workerId = 0, int masterPid = 0, string? libraryCache = null) : IApplicationHost
{
    /// <summary>What `uwsgi.version` says: the uWSGI release we are compatible with.</summary>
    public const string UwsgiVersion = "2.0.21-dotnetwsgi";

    private PythonRuntime? _runtime;
    private WsgiGateway? _gateway;

    public void Load()
    {
        if (_gateway is not null) throw new InvalidOperationException("the application is already loaded");
        ChangeDirectory(options.Chdir, "chdir");
        var runtime = PythonRuntime.Start(options, log, libraryCache is null ? null : new LibPythonCache(libraryCache));
        log.Debug("startup: Python initialised at +{Ms} ms", StartupClock.ElapsedMs);
        var ts = runtime.Threads.Attach();
        try
        {
            using (Gil.Acquire(ts))
            {
                try
                {
                    Setup(runtime);
                    var apps = new AppLoader(runtime, options).LoadAll();
                    _gateway = new WsgiGateway(runtime, apps, options, log);
                    StartAutoReloader(runtime);
                    if (!IsAuxiliary) AfterAppLoad(runtime);
                }
                catch (PythonException e)
                {
                    throw new AppLoadException($"Python set-up failed:\n{e.Traceback.TrimEnd()}");
                }
            }
        }
        finally
        {
            runtime.Threads.Detach();
        }
        _runtime = runtime;
        log.Debug("startup: app imported at +{Ms} ms", StartupClock.ElapsedMs);
        for (int i = 0; i < _gateway.Apps.Count; i++)
        {
            var app = _gateway.Apps[i];
            log.Information("WSGI app {AppId} ({App}) ready on mountpoint {MountPoint}",
                i, app.Description, app.MountPoint.Length == 0 ? "(default)" : app.MountPoint);
        }
        ChangeDirectory(options.Chdir2, "chdir2");
    }

    /// <summary>A mule or spooler process: it loads the app but runs PythonServices instead of serving.</summary>
    private static bool IsAuxiliary
        => Environment.GetEnvironmentVariable(Native.PythonApi.PythonApiContract.MuleIdVar) is { Length: > 0 }
           || Environment.GetEnvironmentVariable(Native.PythonApi.PythonApiContract.SpoolerDirVar) is { Length: > 0 };

    /// <summary>
    /// A mule (run_mule: a `mule = FILE` script or the message loop) or a spooler (run_spooler) in
    /// this thread, after Load; returns when the Python loop ends (a mule script that finished).
    /// </summary>
    public void RunService(string? muleFile, string? spoolerDir)
    {
        var runtime = Runtime;
        var ts = runtime.Threads.Attach();
        try
        {
            using (Gil.Acquire(ts))
            {
                if (spoolerDir is not null)
                {
                    using var run = runtime.ShimAttr("run_spooler");
                    using var dir = PyText.FromString(spoolerDir);
                    using var frequency = Py.PyLong_FromLongLong(options.SpoolerFrequency).Check();
                    using var _ = PyText.Call(run, dir, frequency);
                }
                else
                {
                    using var run = runtime.ShimAttr("run_mule");
                    using var file = muleFile is null ? Py.Py_None.NewRef() : PyText.FromString(muleFile);
                    using var _ = PyText.Call(run, file);
                }
            }
        }
        finally
        {
            runtime.Threads.Detach();
        }
    }

    public void AttachThread() => Runtime.Threads.Attach();

    public void DetachThread()
    {
        // A small last chunk sent without the GIL is dropped at the thread's next request; a thread
        // that ends has none, so it drops it here.
        if (RequestState.IfCreated is { Deferred.IsNull: false } st)
            using (Gil.Acquire(ThreadStates.Current)) st.DropDeferred();
        Runtime.Threads.Detach();
    }

    public void Handle(RequestContext ctx)
        => (_gateway ?? throw new InvalidOperationException("Handle called before Load")).Handle(ctx);

    /// <summary>The interpreter outlives hosts (it cannot be re-initialised), so there is nothing to free.</summary>
    public void Dispose() { }

    private PythonRuntime Runtime => _runtime ?? throw new InvalidOperationException("the application is not loaded");

    private static void ChangeDirectory(string? dir, string option)
    {
        if (dir is null) return;
        try
        {
            Directory.SetCurrentDirectory(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new AppLoadException($"{option} to {dir} failed: {e.Message}");
        }
    }

    /// <summary>sys.argv, sys.path, env, the stack-dump signal and the uwsgi module (GIL held).</summary>
    private void Setup(PythonRuntime runtime)
    {
        using var paths = Py.PyList_New(0).Check();
        if (options.WsgiFile is { } file) Append(paths, AppLoader.FileDirectory(file));
        foreach (var m in options.Mounts)
            if (m.Target.EndsWith(".py", StringComparison.Ordinal) || m.Target.EndsWith(".wsgi", StringComparison.Ordinal))
                Append(paths, AppLoader.FileDirectory(m.Target));
        foreach (var p in options.PythonPath) Append(paths, Path.GetFullPath(p));
        Append(paths, Environment.CurrentDirectory);
        using var env = Py.PyList_New(0).Check();
        foreach (var e in options.Env)
        {
            Append(env, e.Key);
            Append(env, e.Value);
        }
        using var setup = runtime.ShimAttr("setup");
        using var argv0 = PyText.FromString("dotnetwsgi");
        using var signal = Py.PyLong_FromLongLong(WorkerContract.DumpStacksSignal).Check();
        using var added = PyText.Call(setup, argv0, paths, env, signal);
        log.Debug("Python path additions {PythonPath}", PyText.ToStringUtf8(added));
        InstallUwsgiModule(runtime);
    }

    /// <summary>py-autoreload: a Python thread that SIGHUPs the master when a module file changes (GIL held).</summary>
    private void StartAutoReloader(PythonRuntime runtime)
    {
        if (options.PyAutoreload <= 0) return;
        if (masterPid <= 0)
        {
            log.Warning("py-autoreload ignored: no master process to reload");
            return;
        }
        using var start = runtime.ShimAttr("start_autoreloader");
        using var interval = Py.PyLong_FromLongLong(options.PyAutoreload).Check();
        using var pid = Py.PyLong_FromLongLong(masterPid).Check();
        using var _ = PyText.Call(start, interval, pid);
        log.Information("Python auto-reloader enabled (every {Interval} s)", options.PyAutoreload);
    }

    /// <summary>The `uwsgi` module (dotnetwsgi_uwsgi.py), with this process's identity and the master's shared files (GIL held).</summary>
    private void InstallUwsgiModule(PythonRuntime runtime)
    {
        UwsgiApi.OpenFromEnvironment();
        using var opt = UwsgiOpt.Build(options);
        using var sources = Py.PyList_New(0).Check();
        foreach (string name in (string[])["dotnetwsgi_uwsgi.py", "dotnetwsgi_uwsgi_services.py"])
        {
            using var pair = Py.PyList_New(0).Check();
            Append(pair, name);
            Append(pair, EmbeddedSource(name));
            Py.PyList_Append(sources, pair);
        }
        using var state = UwsgiOpt.State(options, workerId, masterPid);
        using var install = runtime.ShimAttr("install_uwsgi_module");
        using var numproc = Py.PyLong_FromLongLong(options.Processes).Check();
        using var version = PyText.FromString(UwsgiVersion);
        using var _ = PyText.Call(install, sources, state, opt, numproc, version);
    }

    private static string EmbeddedSource(string name)
    {
        using var stream = typeof(PythonApplicationHost).Assembly.GetManifestResourceStream("DotnetWsgi.Worker.Python." + name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>After the apps load: @postfork hooks and the signal thread (GIL held).</summary>
    private static void AfterAppLoad(PythonRuntime runtime)
    {
        using var after = runtime.ShimAttr("after_app_load");
        using var _ = PyText.Call(after);
    }


    private static void Append(PyObj list, string s)
    {
        using var item = PyText.FromString(s);
        if (Py.PyList_Append(list, item) != 0) throw PythonException.Fetch();
    }
}
