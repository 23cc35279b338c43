// The stats JSON's `caches` section (uWSGI's field names), from the shared caches the master created;
// present only when a cache is configured.

using DotnetWsgi.Native.PythonApi;

namespace DotnetWsgi.Manager.Observability;

public sealed partial class StatsReport
{
    /// <summary>The instance's caches (set once by the master after creating them).</summary>
    public IReadOnlyList<SharedCache> Caches { get; set; } = [];

    private void WriteCaches(StatsJsonWriter w)
    {
        if (Caches.Count > 0) w.ObjectList("caches", Caches, c => WriteCache(w, c));
    }

    private static void WriteCache(StatsJsonWriter w, SharedCache c)
    {
        w.Value("name", c.Name);
        w.Value("keysize", c.KeySize);
        w.Value("max_items", c.Items);
        w.Value("blocks", c.Items);
        w.Value("blocksize", c.BlockSize);
        w.Value("items", c.Count);
        w.Value("hits", c.Hits);
        w.Value("miss", c.Misses);
        w.Value("full", c.Full);
    }
}
