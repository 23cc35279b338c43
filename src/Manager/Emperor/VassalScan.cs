// Overview
// What the Emperor watches: each `emperor` value is a directory (every `*.ini` file in it) or a glob
// whose last part holds `*` or `?` (`/etc/vassals/*.ini`; the directory part is literal). A scan
// lists the matching files with their modification times; Compare turns two scans into the changes
// the Emperor acts on: new files start vassals, a changed mtime reloads one, a file gone stops one.
// Polling (as uWSGI does, every emperor-freq seconds) rather than inotify: it also sees files on
// network mounts and files replaced by rename, and costs one directory listing per pattern.

namespace DotnetWsgi.Manager.Emperor;

/// <summary>The differences between two scans, each list sorted by path.</summary>
public sealed record ScanChanges(IReadOnlyList<string> Added, IReadOnlyList<string> Touched, IReadOnlyList<string> Removed)
{
    public bool IsEmpty => Added.Count == 0 && Touched.Count == 0 && Removed.Count == 0;
}

public static class VassalScan
{
    /// <summary>Every vassal file the patterns match now, with its last write time (UTC).</summary>
    public static Dictionary<string, DateTime> Scan(IEnumerable<string> patterns)
    {
        var found = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        foreach (string pattern in patterns)
            foreach (string file in Matches(pattern))
            {
                var info = new FileInfo(file);
                if (info.Exists) found[info.FullName] = info.LastWriteTimeUtc; // follows symlinks, as uWSGI does by default
            }
        return found;
    }

    /// <summary>The files one pattern matches (none when its directory does not exist).</summary>
    public static IEnumerable<string> Matches(string pattern)
    {
        string full = Path.GetFullPath(pattern);
        string directory = full, filePattern = "*.ini";
        if (Path.GetFileName(full).IndexOfAny(['*', '?']) >= 0)
        {
            directory = Path.GetDirectoryName(full)!;
            filePattern = Path.GetFileName(full);
        }
        if (!Directory.Exists(directory)) return [];
        try
        {
            return Directory.EnumerateFiles(directory, filePattern, new EnumerationOptions { MatchType = MatchType.Simple, IgnoreInaccessible = true })
                .Where(f => !Path.GetFileName(f).StartsWith('.')).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    public static ScanChanges Compare(IReadOnlyDictionary<string, DateTime> before, IReadOnlyDictionary<string, DateTime> now)
    {
        var added = now.Keys.Where(k => !before.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var touched = now.Where(kv => before.TryGetValue(kv.Key, out var old) && old != kv.Value).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
        var removed = before.Keys.Where(k => !now.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        return new ScanChanges(added, touched, removed);
    }
}
