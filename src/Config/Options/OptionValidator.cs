// Checks that need more than one option, after binding.

namespace DotnetWsgi.Config.Options;

public static class OptionValidator
{
    public static IEnumerable<ConfigDiagnostic> Validate(ServerOptions options)
    {
        if (options.Emperor.Count > 0)
        {
            foreach (var diagnostic in ValidateEmperor(options)) yield return diagnostic;
            yield break;
        }
        if (options.Sockets.Count == 0)
            yield return Error("no socket configured (socket, http-socket or http)");
        if (options.NeedApp && options.Module is null && options.WsgiFile is null && options.Mounts.Count == 0)
            yield return Error("no app configured (module, wsgi-file or mount) while need-app is on; set need-app = false to start without one");
        if (options.Processes < 1)
            yield return Error($"invalid value '{options.Processes}' for 'processes': must be at least 1");
        if (options.Threads < 1)
            yield return Error($"invalid value '{options.Threads}' for 'threads': must be at least 1");
        if (options.CpuAffinity < 0)
            yield return Error($"invalid value '{options.CpuAffinity}' for 'cpu-affinity': must be 0 (off) or a number of CPUs");
        if (options.MaxWorkerLifetime > 0 && options.MaxWorkerLifetime <= options.MinWorkerLifetime)
            yield return Error($"invalid min-worker-lifetime value ({options.MinWorkerLifetime}), must be lower than max-worker-lifetime ({options.MaxWorkerLifetime})");
        CacheSpec.All(options, out string? cacheError);
        if (cacheError is not null)
            yield return Error(cacheError);
        if (options.ChmodSocket is not null && options.Sockets.Count > 0 && options.Sockets.All(s => s.Family != SocketFamily.Unix))
            yield return new ConfigDiagnostic(ConfigSeverity.Warning, "chmod-socket has no effect: no unix socket is configured");
    }

    /// <summary>The Emperor serves nothing itself: sockets and apps belong in the vassals' ini files.</summary>
    private static IEnumerable<ConfigDiagnostic> ValidateEmperor(ServerOptions options)
    {
        if (options.Sockets.Count > 0)
            yield return Error($"'{options.Sockets[0].Option} = {options.Sockets[0].Name}' cannot be used with 'emperor': the Emperor runs no workers; put sockets in the vassals' ini files");
        if (options.Module is not null || options.WsgiFile is not null || options.Mounts.Count > 0)
            yield return Error("an app (module, wsgi-file or mount) cannot be used with 'emperor': the Emperor runs no workers; put the app in the vassals' ini files");
        if (options.EmperorFreq < 1)
            yield return Error("invalid value '0' for 'emperor-freq': must be at least 1");
        if (options.EmperorMaxThrottle < options.EmperorThrottle)
            yield return Error($"emperor-max-throttle ({options.EmperorMaxThrottle}) must not be lower than emperor-throttle ({options.EmperorThrottle})");
    }

    private static ConfigDiagnostic Error(string message) => new(ConfigSeverity.Error, message);
}
