namespace DotnetWsgi.Config.Loading;

/// <summary>
/// One `key = value` from any source, in the order uWSGI applies them (environment first, then the
/// command line with ini files expanded in place).
/// </summary>
/// <param name="Origin">Where it came from, for messages: a file as given, `command line` or `environment`.</param>
/// <param name="Line">1-based line in Origin, 0 when not a file.</param>
/// <param name="IsPlaceholder">Defined by set-placeholder: visible to %(name), never an option.</param>
public sealed record ConfigEntry(string Key, string Value, string Origin, int Line, bool IsPlaceholder = false)
{
    public const string CommandLine = "command line";
    public const string Environment = "environment";

    public ConfigDiagnostic Error(string message) => new(ConfigSeverity.Error, message, Origin, Line);
    public ConfigDiagnostic Warning(string message) => new(ConfigSeverity.Warning, message, Origin, Line);
    public ConfigDiagnostic Notice(string message) => new(ConfigSeverity.Notice, message, Origin, Line);

    /// <summary>How the user wrote the key: `--name` on the command line, `name` elsewhere.</summary>
    public string DisplayKey => Origin == CommandLine ? "--" + Key : Key;
}
