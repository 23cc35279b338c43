#pragma warning disable CA1416 // Linux-only test
using System.Diagnostics;
using DotnetWsgi.Worker.Python;

namespace DotnetWsgi.Worker.Tests.Python;

/// <summary>Interpreters for the libpython lookup tests: one that cannot answer, and a real venv.</summary>
internal static class TestInterpreters
{
    /// <summary>Writes an executable "interpreter" at path that exits 3 without a word: asking it fails.</summary>
    public static string Mute(string path)
    {
        File.WriteAllText(path, "#!/bin/sh\nexit 3\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Creates a venv of the default interpreter at path (no pip) and returns path.</summary>
    public static string Venv(string path)
    {
        using var p = Process.Start(new ProcessStartInfo(LibPythonLocator.DefaultInterpreter, ["-m", "venv", "--without-pip", path]))!;
        if (!p.WaitForExit(60_000)) p.Kill();
        if (p.ExitCode != 0) throw new InvalidOperationException($"python -m venv {path} exited {p.ExitCode}");
        return path;
    }
}
