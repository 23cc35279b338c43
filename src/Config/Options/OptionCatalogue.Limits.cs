namespace DotnetWsgi.Config.Options;

public static partial class OptionCatalogue
{
    private static OptionRow[] LimitRows => InGroup("Recycling and limits",
        Opt("harakiri", OptionKind.Seconds, "Harakiri", "kill a worker whose request runs longer than N seconds", shortFlag: 't'),
        Opt("harakiri-verbose", OptionKind.Flag, "HarakiriVerbose", "log more about a harakiri"),
        Opt("max-requests", OptionKind.Long, "MaxRequests", "recycle a worker after N requests", shortFlag: 'R'),
        Opt("max-requests-delta", OptionKind.Long, "MaxRequestsDelta", "dotnetwsgi: add 0..N requests per worker so they do not recycle together"),
        Opt("min-worker-lifetime", OptionKind.Seconds, "MinWorkerLifetime", "a worker lives at least N seconds before recycling"),
        Opt("max-worker-lifetime", OptionKind.Seconds, "MaxWorkerLifetime", "recycle a worker after N seconds"),
        Opt("reload-on-rss", OptionKind.Megabytes, "ReloadOnRss", "recycle a worker whose RSS exceeds N megabytes"),
        Opt("reload-on-as", OptionKind.Megabytes, "ReloadOnAs", "recycle a worker whose address space exceeds N megabytes"),
        Opt("evil-reload-on-rss", OptionKind.Megabytes, "EvilReloadOnRss", "kill a worker whose RSS exceeds N megabytes"),
        Opt("worker-reload-mercy", OptionKind.Seconds, "WorkerReloadMercy", "seconds a stopping worker may take before SIGKILL"),
        Opt("reload-mercy", OptionKind.Seconds, "ReloadMercy", "seconds to wait for workers on reload"),
        Opt("limit-as", OptionKind.Megabytes, "LimitAs", "address space limit in megabytes"),
        Opt("limit-post", OptionKind.Long, "LimitPost", "largest request body in bytes (413 above it)"),
        Opt("post-buffering", OptionKind.Long, "PostBuffering", "read bodies up to N bytes before calling the app"),
        Opt("buffer-size", OptionKind.Size16, "BufferSize", "largest request head / uwsgi vars block (max 65535)", shortFlag: 'b') with { UwsgiDefault = "4096" },
        Opt("socket-timeout", OptionKind.Seconds, "SocketTimeout", "seconds allowed for reading a request and for writes", shortFlag: 'z'),
        Opt("request-head-timeout", OptionKind.Seconds, "RequestHeadTimeout", "dotnetwsgi: seconds a whole request head (HTTP head, uwsgi packet header and vars) may take from its first byte, however often bytes arrive; then 408 and close (0 = no limit; uWSGI has no such limit)"),
        Opt("max-vars", OptionKind.Int, "MaxVars", "most uwsgi vars per request"),
        Ignored("max-worker-lifetime-delta", OptionKind.Seconds, "stagger max-worker-lifetime", "not implemented"),
        Ignored("evil-reload-on-as", OptionKind.Megabytes, "kill a worker above N MB of address space", "not implemented; use reload-on-as"),
        Ignored("harakiri-graceful-timeout", OptionKind.Seconds, "grace before a harakiri kill", "not implemented"),
        Ignored("post-buffering-bufsize", OptionKind.Long, "post-buffering chunk size", "has no effect"),
        Ignored("reload-on-exception", OptionKind.Flag, "recycle a worker after an exception", "not implemented"));
}
