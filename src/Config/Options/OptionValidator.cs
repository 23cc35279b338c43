// Checks that need more than one option (reference §1.7), after binding.

namespace DotnetWsgi.Config.Options;

public static class OptionValidator
{
    public static IEnumerable<ConfigDiagnostic> Validate(ServerOptions options)
    {
        bool emperor = options.Emperor is not null; // the Emperor serves nothing itself: its vassals do
        if (options.Sockets.Count == 0 && !emperor)
            yield return Error("no socket configured (socket, http-socket or http)");
        if (!emperor && options.NeedApp && options.Module is null && options.WsgiFile is null && options.Mounts.Count == 0)
            yield return Error("no app configured (module, wsgi-file or mount) while need-app is on; set need-app = false to start without one");
        if (options.Processes < 1)
            yield return Error($"invalid value '{options.Processes}' for 'processes': must be at least 1");
        if (options.Threads < 1)
            yield return Error($"invalid value '{options.Threads}' for 'threads': must be at least 1");
        if (options.MaxWorkerLifetime > 0 && options.MaxWorkerLifetime <= options.MinWorkerLifetime)
            yield return Error($"invalid min-worker-lifetime value ({options.MinWorkerLifetime}), must be lower than max-worker-lifetime ({options.MaxWorkerLifetime})");
        CacheSpec.All(options, out string? cacheError);
        if (cacheError is not null)
            yield return Error(cacheError);
        if (options.ChmodSocket is not null && options.Sockets.Count > 0 && options.Sockets.All(s => s.Family != SocketFamily.Unix))
            yield return new ConfigDiagnostic(ConfigSeverity.Warning, "chmod-socket has no effect: no unix socket is configured");
    }

    private static ConfigDiagnostic Error(string message) => new(ConfigSeverity.Error, message);
}
