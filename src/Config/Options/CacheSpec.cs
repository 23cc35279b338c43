// `cache2 = name=NAME,items=N,blocksize=B,keysize=K,purge_lru=1` (uWSGI's keyval syntax; blocksize
// defaults to 65536, keysize to 2048 as uWSGI) and the old `cache = N` (named `default`).

namespace DotnetWsgi.Config.Options;

public sealed record CacheSpec(string Name, int Items, int BlockSize, int KeySize, bool PurgeLru)
{
    public const int DefaultBlockSize = 65536, DefaultKeySize = 2048;
    private static readonly HashSet<string> Known = ["name", "items", "blocksize", "keysize", "purge_lru", "max_items"];

    /// <summary>Every cache the options declare, the old-style one first; error names the bad spec.</summary>
    public static IReadOnlyList<CacheSpec> All(ServerOptions options, out string? error)
    {
        var list = new List<CacheSpec>();
        error = null;
        if (options.Cache > 0)
            list.Add(new CacheSpec("default", (int)Math.Min(options.Cache, int.MaxValue), (int)Math.Min(options.CacheBlocksize, int.MaxValue), DefaultKeySize, false));
        foreach (string spec in options.Cache2)
        {
            if (Parse(spec, out error) is not { } cache) return list;
            if (list.Any(c => c.Name == cache.Name))
            {
                error = $"cache2 = {spec}: a cache named '{cache.Name}' is already defined";
                return list;
            }
            list.Add(cache);
        }
        return list;
    }

    public static CacheSpec? Parse(string spec, out string? error)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string part in spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            string key = eq < 0 ? part : part[..eq], value = eq < 0 ? "" : part[(eq + 1)..];
            if (!Known.Contains(key))
            {
                error = $"cache2 = {spec}: unknown key '{key}' (known: name, items, blocksize, keysize, purge_lru)";
                return null;
            }
            fields[key == "max_items" ? "items" : key] = value;
        }
        error = null;
        if (!fields.TryGetValue("name", out var name) || name.Length == 0)
            error = $"cache2 = {spec}: 'name' is required";
        else if (!Number(fields, "items", 0, out int items) || items < 2)
            error = $"cache2 = {spec}: 'items' must be a whole number of at least 2";
        else if (!Number(fields, "blocksize", DefaultBlockSize, out int block) || block < 1)
            error = $"cache2 = {spec}: 'blocksize' must be a whole number of bytes";
        else if (!Number(fields, "keysize", DefaultKeySize, out int keySize) || keySize < 1)
            error = $"cache2 = {spec}: 'keysize' must be a whole number of bytes";
        else
            return new CacheSpec(name, items, block, keySize, fields.TryGetValue("purge_lru", out var p) && p is not ("" or "0" or "false"));
        return null;
    }

    private static bool Number(Dictionary<string, string> fields, string key, int fallback, out int value)
    {
        if (!fields.TryGetValue(key, out var text)) { value = fallback; return true; }
        return int.TryParse(text, out value);
    }
}
