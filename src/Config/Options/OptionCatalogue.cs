// Overview
// The option catalogue as data: one row per uWSGI option dotnetwsgi knows (implemented, ignored with
// a warning, built in, or rejected), plus dotnetwsgi's own extensions. It drives the ini reader
// (which keys exist, which values are typed), the binder (which property), the CLI (flags, short
// flags) and `--help`. Rows live in OptionCatalogue.<Group>.cs; keep each status truthful: a row is
// Implemented only when a ServerOptions property carries it to the master or workers.

using System.Collections.Frozen;

namespace DotnetWsgi.Config.Options;

public static partial class OptionCatalogue
{
    public static readonly IReadOnlyList<OptionRow> Rows =
        [.. SocketRows, .. ProcessRows, .. LimitRows, .. PythonRows, .. PythonApiRows, .. ControlRows, .. LoggingRows, .. ConfigRows];

    private static readonly FrozenDictionary<string, OptionRow> ByName =
        Rows.SelectMany(r => r.AllNames.Select(n => KeyValuePair.Create(n, r))).ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<char, OptionRow> ByShort =
        Rows.Where(r => r.Short is not null).ToFrozenDictionary(r => r.Short!.Value);

    /// <summary>Every name and alias, for did-you-mean.</summary>
    public static IEnumerable<string> AllNames => ByName.Keys;

    /// <summary>The row for a name or alias (case-sensitive, as uWSGI), or null.</summary>
    public static OptionRow? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The row for a short flag (`-p`), or null.</summary>
    public static OptionRow? FindShort(char flag) => ByShort.GetValueOrDefault(flag);

    // Row builders keep the tables one line per option.
    private static OptionRow Opt(string name, OptionKind kind, string property, string help, string[]? aliases = null, char? shortFlag = null, bool list = false)
        => new(name, kind, "", help, property, OptionStatus.Implemented, aliases, shortFlag, list);

    private static OptionRow Ignored(string name, OptionKind kind, string help, string note, string[]? aliases = null, bool list = false)
        => new(name, kind, "", help, null, OptionStatus.Ignored, aliases, null, list, note);

    private static OptionRow Builtin(string name, OptionKind kind, string help, string? note, string[]? aliases = null, char? shortFlag = null, bool list = false)
        => new(name, kind, "", help, null, OptionStatus.Builtin, aliases, shortFlag, list, note);

    private static OptionRow Rejected(string name, OptionKind kind, string help, string note, string[]? aliases = null)
        => new(name, kind, "", help, null, OptionStatus.Rejected, aliases, null, true, note);

    private static OptionRow[] InGroup(string group, params OptionRow[] rows)
        => [.. rows.Select(r => r with { Group = group })];
}
