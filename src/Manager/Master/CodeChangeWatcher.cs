// Overview
// py-autoreload (development): every N seconds the master scans the app's Python files (under
// chdir, each pythonpath entry and the wsgi-file's directory) and reports a change of any file's
// mtime, or a file added or removed; the master then reloads the workers gracefully, so the next
// generation imports the new code. uWSGI does this inside the worker by watching loaded modules;
// the master cannot see a worker's sys.modules, so it watches the source folders instead.

namespace DotnetWsgi.Manager.Master;

public sealed class CodeChangeWatcher
{
    private const int MaxFiles = 20_000; // a guard against scanning a whole filesystem by mistake
    private readonly IReadOnlyList<string> _roots;
    private Dictionary<string, DateTime> _snapshot;

    public CodeChangeWatcher(IEnumerable<string> roots)
    {
        _roots = roots.Select(Path.GetFullPath).Where(Directory.Exists).Distinct().ToList();
        _snapshot = Scan();
    }

    public IReadOnlyList<string> Roots => _roots;

    /// <summary>The first changed file since the last call, or null.</summary>
    public string? Check()
    {
        var now = Scan();
        string? changed = now.FirstOrDefault(kv => !_snapshot.TryGetValue(kv.Key, out var t) || t != kv.Value).Key
            ?? _snapshot.Keys.FirstOrDefault(k => !now.ContainsKey(k));
        _snapshot = now;
        return changed;
    }

    private Dictionary<string, DateTime> Scan()
    {
        var files = new Dictionary<string, DateTime>();
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true };
        foreach (var root in _roots)
            foreach (var file in Directory.EnumerateFiles(root, "*.py", options))
            {
                if (files.Count >= MaxFiles) return files;
                files.TryAdd(file, File.GetLastWriteTimeUtc(file));
            }
        return files;
    }
}
