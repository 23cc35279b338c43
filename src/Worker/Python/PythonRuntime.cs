// Overview
// The embedded interpreter, once per process: find and dlopen libpython, bind the C API, point
// the interpreter at the right installation (a venv's bin/python as program name so pyvenv.cfg is
// honoured; a plain `home` as PYTHONHOME), Py_InitializeEx(0) (Python must not install signal
// handlers in a process .NET owns), run the embedded shim and create the C functions the gateway
// hands to apps. Python cannot be finalised and re-initialised reliably, so the runtime is never
// torn down: every PythonApplicationHost in the process shares it (the tests load several apps).
//
// Threads: the thread that initialised Python keeps its main PyThreadState; every other thread
// gets its own from ThreadStates.Attach. After start-up the GIL is released and taken per request.

using System.Reflection;
using System.Text;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Native;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Python.CPython;

namespace DotnetWsgi.Worker.Python;

internal sealed unsafe class PythonRuntime
{
    private const string ShimResource = "DotnetWsgi.Worker.Python.dotnetwsgi_shim.py";
    private static readonly object StartLock = new();
    private static PythonRuntime? _instance;

    public LibPython Library { get; }
    public ThreadStates Threads { get; }
    /// <summary>The `_dotnetwsgi` shim module (functions and classes looked up by name).</summary>
    public PyRef Shim { get; }

    private PythonRuntime(LibPython library, ThreadStates threads, PyRef shim)
    {
        Library = library;
        Threads = threads;
        Shim = shim;
    }

    /// <summary>Starts the interpreter on first use; later calls return the running one.</summary>
    public static PythonRuntime Start(ServerOptions options, Serilog.ILogger log, LibPythonCache? libraryCache = null)
    {
        lock (StartLock)
        {
            if (_instance is { } running) return running;
            var lib = LibPythonLocator.Load(options, libraryCache);
            log.Debug("startup: libpython located and loaded at +{Ms} ms ({Library}, {How})", StartupClock.ElapsedMs, lib.Path, lib.How);
            Py.Bind(lib.Handle, lib.Path);
            if (Py.Py_IsInitialized() != 0)
                throw new AppLoadException($"libpython {lib.Path} is already initialised in this process by someone else");
            ConfigureInstallation(options, lib);
            Py.Py_InitializeEx(0);
            log.Debug("startup: interpreter started at +{Ms} ms", StartupClock.ElapsedMs);
            PyRef shim;
            try
            {
                shim = LoadShim();
                NativeFunctions.Install(shim);
            }
            catch (PythonException e)
            {
                Py.PyEval_SaveThread();
                throw new AppLoadException($"the embedded dotnetwsgi shim failed in {lib.Path}:\n{e.Traceback}");
            }
            // Start-up ends with the GIL released; serving threads take it per request.
            _instance = new PythonRuntime(lib, new ThreadStates(Py.PyEval_SaveThread()), shim);
            log.Information("Python {Version} loaded from {Library} (interpreter {Interpreter})",
                VersionOf(lib), lib.Path, lib.Interpreter ?? "none asked");
            return _instance;
        }
    }

    /// <summary>A shim attribute (function or class) as a new reference.</summary>
    public PyRef ShimAttr(string name) => PyText.GetAttr(Shim, name).Check();

    private static void ConfigureInstallation(ServerOptions options, LibPython lib)
    {
        if (options.Home is { } home && !File.Exists(Path.Combine(home, "pyvenv.cfg")))
        {
            // A plain installation prefix: uWSGI's `home` sets PYTHONHOME.
            Py.Py_SetPythonHome(DecodeLocale(Path.GetFullPath(home)));
            return;
        }
        // The program name decides where Python looks for pyvenv.cfg and its prefix: the venv's
        // bin/python, else the interpreter the library came from. Without one Python would search
        // PATH for "python3" and might take its prefix from a different installation.
        string? program = options.Home is not null ? LibPythonLocator.InterpreterFor(options)
            : lib.Interpreter ?? options.PythonExecutable;
        if (program is not null && File.Exists(program))
            Py.Py_SetProgramName(DecodeLocale(program));
    }

    /// <summary>A wchar_t* Python keeps for its lifetime (never freed, as the docs require).</summary>
    private static void* DecodeLocale(string s)
    {
        byte[] z = PyText.NulTerminated(s);
        fixed (byte* p = z)
        {
            void* w = Py.Py_DecodeLocale(p, null);
            return w != null ? w : throw new AppLoadException($"cannot decode path {s} for Python");
        }
    }

    private static PyRef LoadShim()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ShimResource)
            ?? throw new InvalidOperationException($"embedded resource {ShimResource} is missing");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        byte[] source = PyText.NulTerminated(reader.ReadToEnd());
        byte[] fileName = PyText.NulTerminated("<dotnetwsgi shim>");
        byte[] moduleName = PyText.NulTerminated("_dotnetwsgi");
        fixed (byte* src = source)
        fixed (byte* fn = fileName)
        fixed (byte* mn = moduleName)
        {
            using var code = Py.Py_CompileString(src, fn, Py.Py_file_input).Check();
            var shim = Py.PyImport_ExecCodeModule(mn, code).Check();
            PythonException.Formatter = PyText.GetAttr(shim, "format_exception").Check().Release();
            return shim;
        }
    }

    private static string VersionOf(LibPython lib)
    {
        string name = Path.GetFileName(lib.Path);
        int i = name.IndexOf("python", StringComparison.Ordinal);
        return i < 0 ? "3" : name[(i + 6)..].Split(".so")[0];
    }
}
