// uwsgi.set_logvar / get_logvar: variables the app sets for its request's log line, written by
// `log-format` as `%(key)`. The app runs on the serving thread that writes the line, so the values
// live in a thread-static dictionary, taken (and cleared) when the line is written.

namespace DotnetWsgi.Worker.Logging;

public static class RequestLogVars
{
    [ThreadStatic] private static Dictionary<string, string>? _current;

    public static void Set(string key, string value) => (_current ??= new(StringComparer.Ordinal))[key] = value;

    public static string? Get(string key) => _current?.GetValueOrDefault(key);

    /// <summary>This thread's variables, cleared for the next request (null when none were set).</summary>
    public static Dictionary<string, string>? Take()
    {
        var vars = _current;
        _current = null;
        return vars;
    }
}
