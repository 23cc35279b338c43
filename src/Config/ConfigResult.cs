using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Config;

public enum ConfigSeverity { Error, Warning, Notice }

/// <summary>One problem found while reading configuration, with where it came from.</summary>
public sealed record ConfigDiagnostic(ConfigSeverity Severity, string Message, string? File = null, int Line = 0)
{
    /// <summary>`file:line: error: message` (or without location when there is none).</summary>
    public override string ToString()
    {
        string level = Severity switch { ConfigSeverity.Error => "error", ConfigSeverity.Warning => "warning", _ => "notice" };
        return File is null ? $"{level}: {Message}" : Line > 0 ? $"{File}:{Line}: {level}: {Message}" : $"{File}: {level}: {Message}";
    }
}

/// <summary>The outcome of loading configuration: options when there is no error, and every diagnostic.</summary>
public sealed record ConfigResult(ServerOptions? Options, IReadOnlyList<ConfigDiagnostic> Diagnostics)
{
    /// <summary>
    /// `--get KEY` (uWSGI): the first value of each requested option or placeholder, in request
    /// order (a KEY that is not set gives no line, as uWSGI). When present the CLI prints them and exits without serving,
    /// so the whole-configuration checks (socket, app) are skipped.
    /// </summary>
    public IReadOnlyList<string> RequestedValues { get; init; } = [];

    /// <summary>
    /// The options as read, also when a check failed (no socket, no app, a bad value left out):
    /// `--print-config` shows them before the errors, so an incomplete configuration can be debugged.
    /// Never served: only Options is, and only when there is no error.
    /// </summary>
    public ServerOptions? Effective { get; init; }

    public bool Succeeded => Options is not null && !Diagnostics.Any(d => d.Severity == ConfigSeverity.Error);
}
