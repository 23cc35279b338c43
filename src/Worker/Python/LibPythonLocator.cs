// Overview
// Finds and dlopens libpython, in the order the options ask:
//   1. `python-library`: exactly that file;
//   2. `home` (virtualenv/venv/pyhome): <home>/bin/python's LIBDIR/LDLIBRARY/INSTSONAME;
//   3. `python-executable`, else /usr/bin/python3, the same way;
//   4. well-known paths (/usr/lib/x86_64-linux-gnu/libpython3.*.so.1.0, /usr/local/lib, ...).
// Those build settings are first read from the interpreter's installation without running it
// (InstalledBuildSettings: the `_sysconfigdata_*.py` files beside its standard library, the very
// dict `sysconfig` answers from); only when that is not possible (no such file, files that
// disagree, an unusual layout) is the interpreter asked, in one short subprocess (python -I -S, no
// site import, ~20 ms that were on every instance's start-up path before the read). A worker
// records the library in the master's run directory (LibPythonCache) and the workers started
// after it (respawns, reloads, recycles) dlopen the recorded library directly. The first library that
// loads with RTLD_NOW|RTLD_GLOBAL wins (GLOBAL so C extension modules resolve libpython's
// symbols); when none does, the AppLoadException lists every interpreter and path tried.

using System.Diagnostics;
using System.Text;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Native.Interop;
using DotnetWsgi.Worker.Hosting;

namespace DotnetWsgi.Worker.Python;

/// <summary>The loaded library and the interpreter it belongs to.</summary>
internal sealed record LibPython(IntPtr Handle, string Path, string? Interpreter, bool Recorded = false)
{
    /// <summary>How it was found, for the start-up debug line.</summary>
    public string How => Recorded ? "recorded by an earlier worker"
        : Interpreter is null ? "configured or well-known path"
        : ReadFromInstallation ? $"read from {Interpreter}'s installation" : $"named by {Interpreter}";

    /// <summary>Found from the interpreter's build settings on disk, without running it.</summary>
    public bool ReadFromInstallation { get; init; }
}

internal static partial class LibPythonLocator
{
    public const string DefaultInterpreter = "/usr/bin/python3";

    private static readonly string[] WellKnownDirs =
        ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"];

    /// <param name="cache">Where a worker records what the interpreter answered, for the workers
    /// started after it (LibPythonCache); null: always ask.</param>
    public static LibPython Load(ServerOptions options, LibPythonCache? cache = null) => Load(options, WellKnownDirs, cache);

    // For testing: other well-known directories.
    internal static LibPython Load(ServerOptions options, IReadOnlyList<string> wellKnownDirs, LibPythonCache? cache = null)
    {
        var tried = new List<string>();
        if (options.PythonLibrary is { } explicitLib)
            return TryLoad(explicitLib, null, tried) ?? throw Failure(tried);

        if (options.Home is { } home && !Directory.Exists(home))
            throw new AppLoadException($"home (virtualenv) {home} does not exist");
        string interpreter = InterpreterFor(options);
        if (cache?.Lookup(interpreter) is { } recorded && TryLoad(recorded, interpreter, tried) is { } known) return known with { Recorded = true };
        // Settings read from the installation are what the interpreter would answer: asked only when
        // they cannot be read.
        var installed = InstalledBuildSettings(interpreter);
        var candidates = installed is not null ? Candidates(installed, interpreter, tried) : AskInterpreter(interpreter, tried);
        foreach (var candidate in candidates)
        {
            if (TryLoad(candidate, interpreter, tried) is not { } lib) continue;
            cache?.Store(interpreter, candidate);
            return lib with { ReadFromInstallation = installed is not null };
        }
        // A configured home names one installation: another Python's library would not match it
        // (and a wrong PYTHONHOME aborts the interpreter at start-up).
        if (options.Home is not null) throw Failure(tried);

        foreach (var candidate in WellKnownCandidates(wellKnownDirs))
            if (TryLoad(candidate, null, tried) is { } lib) return lib;
        throw Failure(tried);
    }

    /// <summary>The interpreter whose libpython we want: the venv's, the configured one, or Debian's.</summary>
    public static string InterpreterFor(ServerOptions options)
    {
        if (options.Home is { } home) return System.IO.Path.Combine(System.IO.Path.GetFullPath(home), "bin", "python");
        return options.PythonExecutable ?? DefaultInterpreter;
    }

    private static LibPython? TryLoad(string path, string? interpreter, List<string> tried)
    {
        IntPtr h = Libc.DlOpenGlobal(path, out string? error);
        if (h != IntPtr.Zero) return new LibPython(h, path, interpreter);
        tried.Add($"{path} ({error})");
        return null;
    }

    /// <summary>Library paths the interpreter reports, best first; records why when it cannot answer.</summary>
    internal static List<string> AskInterpreter(string interpreter, List<string> tried)
        => AskBuildSettings(interpreter, tried) is { } settings ? Candidates(settings, interpreter, tried) : [];

    /// <summary>The build settings the interpreter itself reports (a short subprocess); null, with the reason in tried, when it cannot answer.</summary>
    internal static BuildSettings? AskBuildSettings(string interpreter, List<string> tried)
    {
        const string Script = "import sysconfig as s\nfor k in ('LIBDIR','MULTIARCH','INSTSONAME','LDLIBRARY','Py_ENABLE_SHARED'): print(s.get_config_var(k) or '')";
        string[] lines;
        try
        {
            var psi = new ProcessStartInfo(interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "-I", "-S", "-c", Script }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            lines = output.Split('\n');
            if (p.ExitCode != 0 || lines.Length < 5)
            {
                tried.Add($"interpreter {interpreter} (exit code {p.ExitCode})");
                return null;
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            tried.Add($"interpreter {interpreter} ({e.Message})");
            return null;
        }
        return new BuildSettings(lines[0].Trim(), lines[1].Trim(), lines[2].Trim(), lines[3].Trim(), lines[4].Trim() == "1");
    }

    /// <summary>The five `sysconfig` variables that name an installation's shared libpython.</summary>
    internal sealed record BuildSettings(string LibDir, string MultiArch, string InstSoName, string LdLibrary, bool Shared);

    private static readonly string[] SettingNames = ["LIBDIR", "MULTIARCH", "INSTSONAME", "LDLIBRARY", "Py_ENABLE_SHARED"];

    /// <summary>
    /// The interpreter's build settings read from its installation, or null when they cannot be
    /// read with certainty (then the interpreter is asked). `sysconfig.get_config_var` answers these
    /// five from the `build_time_vars` dict of a `_sysconfigdata_*.py` module in the standard
    /// library directory, <c>PREFIX/lib/pythonX.Y</c> (or lib64) beside <c>PREFIX/bin/pythonX.Y</c>;
    /// the file's name varies (Debian ships two: `_sysconfigdata__x86_64-linux-gnu.py` and
    /// `_sysconfigdata__linux_x86_64-linux-gnu.py`), so every such file is read and all must agree.
    /// A venv's `bin/python` is a symlink to the base interpreter, which this follows; a venv made
    /// with copies has no such files beside it and is asked.
    /// </summary>
    internal static BuildSettings? InstalledBuildSettings(string interpreter)
    {
        string real;
        try
        {
            if (!File.Exists(interpreter)) return null;
            real = new FileInfo(interpreter).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? System.IO.Path.GetFullPath(interpreter);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        var name = VersionedInterpreterName().Match(System.IO.Path.GetFileName(real));
        if (!name.Success || System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(real)) is not { } prefix) return null;
        BuildSettings? agreed = null;
        foreach (string lib in new[] { "lib", "lib64" })
        {
            string stdlib = System.IO.Path.Combine(prefix, lib, "python" + name.Groups[1].Value);
            if (!Directory.Exists(stdlib)) continue;
            foreach (string file in Directory.GetFiles(stdlib, "_sysconfigdata_*.py"))
            {
                if (ParseBuildSettings(file) is not { } settings) return null;
                if (agreed is not null && agreed != settings) return null;
                agreed = settings;
            }
        }
        return agreed;
    }

    /// <summary>The five settings from one `_sysconfigdata_*.py` (lines like <c> 'LIBDIR': '/usr/lib',</c>);
    /// null when one is missing or written in a form this does not read exactly (an escape, a concatenation).</summary>
    internal static BuildSettings? ParseBuildSettings(string file)
    {
        var found = new Dictionary<string, string>();
        try
        {
            foreach (string line in File.ReadLines(file))
            {
                var m = BuildSettingLine().Match(line);
                if (!m.Success || Array.IndexOf(SettingNames, m.Groups[1].Value) < 0) continue;
                if (!found.TryAdd(m.Groups[1].Value, m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value)) return null;
            }
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        if (found.Count != SettingNames.Length) return null;
        return new BuildSettings(found["LIBDIR"], found["MULTIARCH"], found["INSTSONAME"], found["LDLIBRARY"], found["Py_ENABLE_SHARED"] == "1");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^python(\d+\.\d+)[a-z]*$")]
    private static partial System.Text.RegularExpressions.Regex VersionedInterpreterName();

    // A key and a plain value: a string literal without escapes or an integer.
    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*'([A-Za-z_]+)': (?:'([^'\\]*)'|(\d+)),?\s*$")]
    private static partial System.Text.RegularExpressions.Regex BuildSettingLine();

    /// <summary>Library paths named by an installation's settings that exist, best first; records why when there is none.</summary>
    private static List<string> Candidates(BuildSettings s, string interpreter, List<string> tried)
    {
        var result = new List<string>();
        if (!s.Shared) tried.Add($"interpreter {interpreter} (built without a shared libpython)");
        foreach (var name in new[] { s.InstSoName, s.LdLibrary })
        {
            if (name.Length == 0) continue;
            if (s.LibDir.Length > 0)
            {
                Add(result, System.IO.Path.Combine(s.LibDir, name));
                if (s.MultiArch.Length > 0) Add(result, System.IO.Path.Combine(s.LibDir, s.MultiArch, name));
            }
        }
        if (result.Count == 0)
            tried.Add($"interpreter {interpreter} (its library {System.IO.Path.Combine(s.LibDir, s.InstSoName)} does not exist)");
        return result;
    }

    private static void Add(List<string> list, string path)
    {
        if (!list.Contains(path) && File.Exists(path)) list.Add(path);
    }

    private static IEnumerable<string> WellKnownCandidates(IReadOnlyList<string> dirs)
    {
        foreach (var dir in dirs)
        {
            if (!Directory.Exists(dir)) continue;
            var found = Directory.GetFiles(dir, "libpython3.*.so.1.0");
            Array.Sort(found, StringComparer.Ordinal);
            Array.Reverse(found); // prefer the highest version listed
            foreach (var f in found) yield return f;
        }
    }

    private static AppLoadException Failure(List<string> tried)
    {
        var sb = new StringBuilder("could not load libpython; tried: ");
        sb.Append(tried.Count == 0 ? "nothing (no interpreter answered and no well-known library exists)" : string.Join("; ", tried));
        return new AppLoadException(sb.ToString());
    }
}
