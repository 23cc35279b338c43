// Overview
// Finds and dlopens libpython, in the order the options ask:
//   1. `python-library`: exactly that file;
//   2. `home` (virtualenv/venv/pyhome): ask <home>/bin/python for its LIBDIR/LDLIBRARY/INSTSONAME;
//   3. `python-executable`, else /usr/bin/python3, asked the same way;
//   4. well-known paths (/usr/lib/x86_64-linux-gnu/libpython3.*.so.1.0, /usr/local/lib, ...).
// One short subprocess (python -I -S, no site import) answers in ~20 ms; a worker records the answer
// in the master's run directory (LibPythonCache) and the workers started after it (respawns,
// reloads, recycles) dlopen the recorded library without asking. The first library that
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
    public string How => Recorded ? "recorded by an earlier worker" : Interpreter is null ? "configured or well-known path" : $"named by {Interpreter}";
}

internal static class LibPythonLocator
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
        foreach (var candidate in AskInterpreter(interpreter, tried))
        {
            if (TryLoad(candidate, interpreter, tried) is not { } lib) continue;
            cache?.Store(interpreter, candidate);
            return lib;
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
    {
        var result = new List<string>();
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
                return result;
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            tried.Add($"interpreter {interpreter} ({e.Message})");
            return result;
        }
        string libDir = lines[0].Trim(), multiArch = lines[1].Trim(), soName = lines[2].Trim(), ldLib = lines[3].Trim();
        if (lines[4].Trim() != "1") tried.Add($"interpreter {interpreter} (built without a shared libpython)");
        foreach (var name in new[] { soName, ldLib })
        {
            if (name.Length == 0) continue;
            if (libDir.Length > 0)
            {
                Add(result, System.IO.Path.Combine(libDir, name));
                if (multiArch.Length > 0) Add(result, System.IO.Path.Combine(libDir, multiArch, name));
            }
        }
        if (result.Count == 0)
            tried.Add($"interpreter {interpreter} (its library {System.IO.Path.Combine(libDir, soName)} does not exist)");
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
