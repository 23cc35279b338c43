namespace DotnetWsgi.Config.Options;

public static partial class OptionCatalogue
{
    private static OptionRow[] PythonRows => InGroup("Python",
        Opt("module", OptionKind.Name, "Module", "WSGI module to load (`pkg.mod` or `pkg.mod:callable`)", ["wsgi"], 'w'),
        Opt("wsgi-file", OptionKind.Path, "WsgiFile", "Python file to load as the WSGI app", ["file"]),
        Opt("callable", OptionKind.Name, "Callable", "name of the WSGI callable"),
        Opt("mount", OptionKind.Mount, "Mounts", "mount an app: /prefix=module-or-file", list: true),
        Opt("manage-script-name", OptionKind.Flag, "ManageScriptName", "route by mountpoint and set SCRIPT_NAME"),
        Opt("pythonpath", OptionKind.Path, "PythonPath", "add a directory to sys.path", ["python-path", "pp"], list: true),
        Opt("home", OptionKind.Path, "Home", "virtualenv / PYTHONHOME", ["virtualenv", "venv", "pyhome"], 'H'),
        Opt("python-library", OptionKind.Path, "PythonLibrary", "dotnetwsgi: the libpython shared library to load"),
        Opt("python-executable", OptionKind.Path, "PythonExecutable", "dotnetwsgi: the interpreter whose libpython is loaded"),
        Opt("py-autoreload", OptionKind.Seconds, "PyAutoreload", "reload when a loaded module changes (scan every N s)", ["python-autoreload"]),
        Opt("chdir", OptionKind.Path, "Chdir", "change directory before loading the app"),
        Opt("chdir2", OptionKind.Path, "Chdir2", "change directory after loading the app"),
        Opt("env", OptionKind.EnvPair, "Env", "set an environment variable: KEY=VALUE", list: true),
        Opt("static-map", OptionKind.StaticMap, "StaticMaps", "serve files: /prefix=/directory", list: true),
        Opt("wsgi-disable-file-wrapper", OptionKind.Flag, "WsgiDisableFileWrapper", "do not offer wsgi.file_wrapper"),
        Builtin("plugin", OptionKind.Name, "load a uWSGI plugin (python3 and http are built in)", null, ["plugins"], list: true),
        Ignored("py-tracebacker", OptionKind.Path, "traceback socket", "not implemented; harakiri logs the stuck thread's stack"),
        Ignored("python-worker-override", OptionKind.Path, "override the worker entry point", "not implemented"),
        Ignored("import", OptionKind.Name, "import a module at start-up", "not implemented", ["pyimport", "py-import", "python-import"], list: true),
        Ignored("static-index", OptionKind.Name, "index file for static directories", "not implemented", list: true),
        Ignored("static-expires", OptionKind.Text, "Expires for static files", "not implemented", list: true),
        Ignored("unenv", OptionKind.Name, "unset an environment variable", "not implemented", list: true),
        Rejected("static-check", OptionKind.Path, "serve files from a directory", "only static-map is supported"),
        Rejected("pymodule-alias", OptionKind.Text, "module alias", "module aliases are not supported"));
}
