namespace DotnetWsgi.Config.Options;

/// <summary>How an option's value is read. Kinds marked "typed" get inline comments stripped.</summary>
public enum OptionKind
{
    /// <summary>Boolean: true/false/yes/no/on/off/1/0 or empty (= true). Typed.</summary>
    Flag,
    /// <summary>Whole number >= 0 (32-bit). Typed.</summary>
    Int,
    /// <summary>Whole number >= 0 (64-bit): counts and bytes, no suffixes (as uWSGI 2.0). Typed.</summary>
    Long,
    /// <summary>Seconds as a whole number >= 0. Typed.</summary>
    Seconds,
    /// <summary>Megabytes as a whole number >= 0. Typed.</summary>
    Megabytes,
    /// <summary>Bytes, clamped to 65535 (`buffer-size`). Typed.</summary>
    Size16,
    /// <summary>A file or directory path. Typed.</summary>
    Path,
    /// <summary>A module, callable or user/group name: no spaces. Typed.</summary>
    Name,
    /// <summary>A listening address `host:port` or a unix path (`stats`, `admin-http`). Typed.</summary>
    Address,
    /// <summary>A socket declaration: becomes a SocketSpec. Typed.</summary>
    Socket,
    /// <summary>`chmod-socket`: empty or `1` = 666, else three octal digits. Typed.</summary>
    OctalMode,
    /// <summary>`mount = /prefix=target`. Typed.</summary>
    Mount,
    /// <summary>`static-map = /prefix=/dir`. Typed.</summary>
    StaticMap,
    /// <summary>`env = KEY=VALUE`: free text, kept literally.</summary>
    EnvPair,
    /// <summary>Free text (formats, commands): kept literally, as uWSGI.</summary>
    Text,
    /// <summary>Handled while reading sources (`ini`, `set`, `set-placeholder`): never bound.</summary>
    Directive,
}

/// <summary>What dotnetwsgi does with a real uWSGI option.</summary>
public enum OptionStatus
{
    /// <summary>Bound to a ServerOptions property and honoured.</summary>
    Implemented,
    /// <summary>Accepted with one warning: it has no effect here (the note says why).</summary>
    Ignored,
    /// <summary>Accepted silently or with a notice: dotnetwsgi already behaves that way.</summary>
    Builtin,
    /// <summary>An error: running without it would silently change what the app relies on.</summary>
    Rejected,
}

/// <summary>One option of the catalogue (see OptionCatalogue).</summary>
/// <param name="Name">The uWSGI name, verbatim.</param>
/// <param name="Property">The ServerOptions property it binds (Implemented only).</param>
/// <param name="Note">Why it is ignored/rejected/builtin, shown in the diagnostic.</param>
/// <param name="UwsgiDefault">uWSGI 2.0.21's default where dotnetwsgi's differs.</param>
public sealed record OptionRow(
    string Name,
    OptionKind Kind,
    string Group,
    string Help,
    string? Property = null,
    OptionStatus Status = OptionStatus.Implemented,
    string[]? Aliases = null,
    char? Short = null,
    bool Repeatable = false,
    string? Note = null,
    SocketProtocol? Protocol = null,
    string? UwsgiDefault = null)
{
    private static readonly ServerOptions Defaults = new();

    /// <summary>dotnetwsgi's default as text (from ServerOptions), or null when it is off/empty/unset.</summary>
    public string? Default
    {
        get
        {
            if (Status != OptionStatus.Implemented || Property is null || Repeatable)
                return null;
            object? value = OptionProperties.Find(Property).Get(Defaults);
            return value switch
            {
                null or false or 0 or 0L => null,
                true => "on",
                _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
            };
        }
    }

    public IReadOnlyList<string> AllNames => Aliases is null ? [Name] : [Name, .. Aliases];

    /// <summary>Whether an inline ` # ...` can be stripped: the value cannot sensibly contain one.</summary>
    public bool IsTyped => Kind switch
    {
        OptionKind.Text or OptionKind.EnvPair => false,
        OptionKind.Directive => Name == OptionCatalogue.Include, // `ini = FILE` is a path; `set*` values are free text
        _ => true,
    };

    /// <summary>On the command line a flag takes no value unless written `--flag=value`.</summary>
    public bool TakesValue => Kind != OptionKind.Flag;
}
