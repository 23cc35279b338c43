// Overview
// Remembers which libpython an interpreter named, so that a respawned worker dlopens it at once
// instead of asking the interpreter again (a python subprocess: ~20 ms of a replacement worker's
// start on an idle machine, more under load). The record is one small file in the master's run
// directory (one per instance, removed with it), written by the first worker that asked. It is keyed
// by the interpreter's resolved path and its modification time, so a venv rebuilt on another Python
// or an upgraded interpreter misses it and asks again; a recorded library that no longer loads is
// passed over the same way (LibPythonLocator). Reading or writing it never fails a start: any I/O
// error is a miss.

namespace DotnetWsgi.Worker.Python;

internal sealed class LibPythonCache(string path)
{
    /// <summary>The library recorded for this interpreter, or null (none, another interpreter, unreadable).</summary>
    public string? Lookup(string interpreter)
    {
        try
        {
            if (!File.Exists(path) || Key(interpreter) is not { } key) return null;
            var lines = File.ReadAllLines(path);
            return lines.Length == 2 && lines[0] == key && lines[1].Length > 0 ? lines[1] : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Records the library for this interpreter (written whole, then renamed into place).</summary>
    public void Store(string interpreter, string library)
    {
        if (Key(interpreter) is not { } key) return;
        string temp = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllText(temp, key + "\n" + library + "\n");
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>The interpreter's final path (symlinks followed: a venv's bin/python) and its mtime.</summary>
    internal static string? Key(string interpreter)
    {
        try
        {
            string real = File.ResolveLinkTarget(interpreter, returnFinalTarget: true)?.FullName ?? Path.GetFullPath(interpreter);
            if (!File.Exists(real)) return null;
            return $"{real}|{File.GetLastWriteTimeUtc(real).Ticks}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
