// How the master hands the Python API's shared state to its workers, mules and spooler: the files
// live in the master's run directory, named here; the directory travels in the environment.

namespace DotnetWsgi.Native.PythonApi;

public static class PythonApiContract
{
    /// <summary>Directory of the signal table and the cache files (the master's run directory).</summary>
    public const string DirVar = "DOTNETWSGI_PYAPI_DIR";
    /// <summary>Set in a mule process: its id, 1..mules.</summary>
    public const string MuleIdVar = "DOTNETWSGI_MULE_ID";
    /// <summary>Set in a mule process started for `mule = FILE`: the file it runs.</summary>
    public const string MuleFileVar = "DOTNETWSGI_MULE_FILE";
    /// <summary>Set in a spooler process: the spool directory it serves.</summary>
    public const string SpoolerDirVar = "DOTNETWSGI_SPOOLER_DIR";

    public const string SignalsFile = "signals";
    /// <summary>One line per cache: NAME TAB FILE (the caches the master created, in declaration order).</summary>
    public const string CachesManifest = "caches";

    public static string CacheFile(int index) => $"cache-{index}";
}
