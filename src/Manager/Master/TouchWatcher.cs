// Overview
// touch-reload / touch-workers-reload / touch-chain-reload (uWSGI §5.6): checked once per master
// tick with stat(). A file triggers when its mtime (whole seconds) increases, when it is deleted
// after having existed, or when it is created after being missing at start. Paths are resolved
// against the working directory at start (`touch-chain-reload = true` is a file named `true`).

namespace DotnetWsgi.Manager.Master;

public sealed class TouchWatcher
{
    private readonly Dictionary<string, long?> _seen = new();

    public MasterCommand Command { get; }
    public IEnumerable<string> Paths => _seen.Keys;

    public TouchWatcher(MasterCommand command, IEnumerable<string> paths)
    {
        Command = command;
        foreach (var p in paths) _seen[Path.GetFullPath(p)] = MtimeSeconds(Path.GetFullPath(p));
    }

    /// <summary>Paths missing at start (uWSGI logs that they trigger once created).</summary>
    public IEnumerable<string> Missing => _seen.Where(kv => kv.Value is null).Select(kv => kv.Key);

    /// <summary>The paths touched since the last check.</summary>
    public List<string> Check()
    {
        var touched = new List<string>();
        foreach (var (path, before) in _seen.ToList())
        {
            long? now = MtimeSeconds(path);
            bool changed = (before, now) switch
            {
                (null, null) => false,
                (null, _) or (_, null) => true,
                _ => now > before,
            };
            if (changed) touched.Add(path);
            _seen[path] = now;
        }
        return touched;
    }

    private static long? MtimeSeconds(string path)
    {
        var info = new FileInfo(path);
        if (info.Exists) return new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeSeconds();
        return Directory.Exists(path) ? new DateTimeOffset(Directory.GetLastWriteTimeUtc(path)).ToUnixTimeSeconds() : null;
    }
}
