// The options of uWSGI's Python API services: the caching framework, the spooler and mules.

namespace DotnetWsgi.Config.Options;

public static partial class OptionCatalogue
{
    private static OptionRow[] PythonApiRows => InGroup("Python API",
        Opt("cache2", OptionKind.Text, "Cache2", "a shared cache: `name=NAME,items=N[,blocksize=B][,keysize=K][,purge_lru=1]`", list: true),
        Opt("cache", OptionKind.Long, "Cache", "the old-style cache named `default` with N items (`cache-blocksize` bytes each)"),
        Opt("cache-blocksize", OptionKind.Long, "CacheBlocksize", "item size of the old-style `cache`, bytes"),
        Opt("spooler", OptionKind.Path, "Spooler", "run a spooler on this directory (one job per file; `uwsgi.spool`, `@spool`)", list: true),
        Opt("spooler-processes", OptionKind.Int, "SpoolerProcesses", "spooler processes per spooler directory"),
        Opt("spooler-frequency", OptionKind.Seconds, "SpoolerFrequency", "seconds between spool directory scans (a new job file is seen at once)"),
        Opt("mule", OptionKind.Text, "Mule", "add a mule process: bare for `@mulefunc` / `uwsgi.mule_msg`, or `mule = FILE.py` to run a script", list: true),
        Opt("mules", OptionKind.Int, "Mules", "add this many bare mules"));
}
