// Overview
// Turns every configuration source into one ordered list of ConfigEntry, as uWSGI does before it
// applies anything: UWSGI_* environment variables first, then the command line left
// to right with each ini file (`--ini`, positional `x.ini`, `ini =` inside a file) expanded in place.
// Directives are resolved here: `ini` loads a file, `set-placeholder` and `set` define entries. Inline
// comments are handled here too, so every later stage sees final text. Expansion of $(), @() and
// %() runs afterwards over the whole list (Expander), because %(name) may refer forwards.

using DotnetWsgi.Config.Ini;
using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Config.Loading;

internal sealed partial class SourceCollector(string workingDirectory, MachineFacts machine)
{
    private static readonly HashSet<string> InternalEnvironment =
        ["RELOADS", "VASSALS_DIR", "EMPEROR_FD", "BROODLORD_NUM", "EMPEROR_FD_CONFIG", "EMPEROR_PROXY", "JAIL_PID", "ORIGINAL_PROC_NAME"];

    private readonly List<ConfigEntry> _entries = [];
    private readonly List<ConfigDiagnostic> _diagnostics = [];
    private ConfigEntry? _firstStripped;
    private int _strippedCount;

    public IReadOnlyList<ConfigEntry> Entries => _entries;
    public List<ConfigDiagnostic> Diagnostics => _diagnostics;

    /// <summary>`UWSGI_PROCESSES=4` is `processes = 4`: lower-cased, `_` to `-`, internal names skipped.</summary>
    public void AddEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!name.StartsWith("UWSGI_", StringComparison.Ordinal) || name.Length == 6 || InternalEnvironment.Contains(name[6..]))
                continue;
            string key = name[6..].ToLowerInvariant().Replace('_', '-');
            Add(new ConfigEntry(key, value, ConfigEntry.Environment + " (" + name + ")", 0));
        }
    }

    /// <summary>Adds one entry, resolving directives and inline comments.</summary>
    public void Add(ConfigEntry entry)
    {
        var row = OptionCatalogue.Find(entry.Key);
        if (row is not null && !entry.IsPlaceholder)
            entry = HandleComment(entry, row);
        switch (row?.Name)
        {
            case OptionCatalogue.Include:
                LoadIni(entry.Value, entry);
                break;
            case OptionCatalogue.SetPlaceholder:
            case OptionCatalogue.Set:
                AddAssignment(entry, optionAllowed: row.Name == OptionCatalogue.Set);
                break;
            default:
                _entries.Add(entry);
                break;
        }
    }

    /// <summary>The one warning for stripped inline comments, added once everything is collected.</summary>
    public void Finish()
    {
        if (_firstStripped is null)
            return;
        int others = _strippedCount - 1;
        string more = others == 0 ? "" : others == 1 ? " (and from 1 more value)" : $" (and from {others} more values)";
        _diagnostics.Add(_firstStripped.Warning(
            $"stripped an inline comment from '{_firstStripped.Key}'{more}; uWSGI would keep the comment as part of the value"));
    }

    private ConfigEntry HandleComment(ConfigEntry entry, OptionRow row)
    {
        if (InlineComment.Find(entry.Value) < 0)
            return entry;
        if (!row.IsTyped)
        {
            _diagnostics.Add(entry.Warning($"the value of '{entry.Key}' contains text that looks like an inline comment; it is kept as part of the value, as uWSGI does"));
            return entry;
        }
        _firstStripped ??= entry;
        _strippedCount++;
        return entry with { Value = InlineComment.Strip(entry.Value) };
    }

    private void AddAssignment(ConfigEntry entry, bool optionAllowed)
    {
        int eq = entry.Value.IndexOf('=');
        if (eq <= 0)
        {
            _diagnostics.Add(entry.Error($"invalid value '{entry.Value}' for '{entry.Key}': expected name=value"));
            return;
        }
        string name = entry.Value[..eq].Trim();
        string value = entry.Value[(eq + 1)..].Trim();
        bool isOption = optionAllowed && OptionCatalogue.Find(name) is not null;
        Add(entry with { Key = name, Value = value, IsPlaceholder = !isOption });
    }
}
