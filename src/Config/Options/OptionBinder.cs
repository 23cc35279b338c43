// Overview
// Applies the expanded entries, in order, to a ServerOptions: scalars last-wins, repeatable options
// accumulate. Every entry is checked against the catalogue first: an unknown key close to an option
// is an error with did-you-mean (a typo); one close to none is a custom option, kept (as uWSGI keeps
// every key) for `uwsgi.opt` and `%(key)`, with one notice unless a %(key) used it; rejected options
// are errors; ignored ones warn once. A daemon line (attach-daemon and its forms) is parsed here so a
// bad one is an error at its file:line. Values reach ServerOptions through OptionProperties' setter
// table (no reflection). Cross-option checks follow in OptionValidator.

using System.Collections;
using DotnetWsgi.Config.Loading;

namespace DotnetWsgi.Config.Options;

internal sealed class OptionBinder(List<ConfigDiagnostic> diagnostics, ISet<string> placeholders)
{
    private readonly Dictionary<string, object?> _scalars = [];
    private readonly Dictionary<string, IList> _lists = [];
    private readonly HashSet<string> _mentioned = [];
    private readonly List<CustomOption> _custom = [];

    public ServerOptions Bind(IEnumerable<ConfigEntry> entries, string? configFile)
    {
        foreach (var entry in entries.Where(e => !e.IsPlaceholder))
            Apply(entry);
        var options = new ServerOptions { ConfigFile = configFile, CustomOptions = _custom };
        foreach (var (property, value) in _scalars)
            options = OptionProperties.Find(property).Set(options, value);
        foreach (var (property, list) in _lists)
            options = OptionProperties.Find(property).Set(options, list);
        return options;
    }

    private void Apply(ConfigEntry entry)
    {
        var row = OptionCatalogue.Find(entry.Key);
        if (row is null)
        {
            Custom(entry);
            return;
        }
        switch (row.Status)
        {
            case OptionStatus.Rejected:
                diagnostics.Add(entry.Error($"option '{entry.Key}' is not supported by dotnetwsgi: {row.Note}"));
                return;
            case OptionStatus.Ignored:
                if (_mentioned.Add(row.Name))
                    diagnostics.Add(entry.Warning($"option '{entry.Key}' is accepted but has no effect in dotnetwsgi: {row.Note}"));
                return;
            case OptionStatus.Builtin:
                Builtin(entry, row);
                return;
        }
        if (row.Property is null)
            return; // directives were resolved while collecting
        var (value, error) = ValueParser.Parse(row, entry.Key, entry.Value);
        if (error is not null)
        {
            diagnostics.Add(entry.Error(error));
            return;
        }
        if (DaemonSpec.OptionNames.Contains(row.Name) && value is string line && DaemonSpec.Check(row.Name, line) is { } daemonError)
        {
            diagnostics.Add(entry.Error(daemonError));
            return;
        }
        if (AlwaysOn(entry, row, value))
            return;
        Notices(entry, row, value);
        Store(row, value);
    }

    /// <summary>A key the catalogue lacks: a typo when an option is close (error), else a custom option.</summary>
    private void Custom(ConfigEntry entry)
    {
        bool used = placeholders.Contains(entry.Key);
        if (!used && Suggestions.Closest(entry.Key).Count > 0)
        {
            diagnostics.Add(entry.Error($"unknown option '{entry.DisplayKey}'{Suggestions.DidYouMean(entry.Key, entry.Origin == ConfigEntry.CommandLine ? "--" : "")}"));
            return;
        }
        if (!used && _custom.All(c => c.Key != entry.Key))
            diagnostics.Add(entry.Notice($"'{entry.DisplayKey}' is not a uWSGI option: kept as a custom option (uwsgi.opt, %({entry.Key}))"));
        _custom.Add(new CustomOption(entry.Key, entry.Value));
    }

    private void Store(OptionRow row, object? value)
    {
        if (!row.Repeatable)
        {
            _scalars[row.Property!] = value;
            return;
        }
        if (!_lists.TryGetValue(row.Property!, out var list))
        {
            var newList = OptionProperties.Find(row.Property!).NewList
                ?? throw new InvalidOperationException($"repeatable option '{row.Name}' binds ServerOptions.{row.Property}, which is not a list");
            _lists[row.Property!] = list = newList();
        }
        list.Add(value);
    }

    private void Builtin(ConfigEntry entry, OptionRow row)
    {
        if (row.Name == "plugin")
        {
            foreach (string plugin in entry.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                if (!plugin.StartsWith("python", StringComparison.Ordinal) && plugin != "http" && _mentioned.Add("plugin:" + plugin))
                    diagnostics.Add(entry.Warning($"plugin '{plugin}' is not available; dotnetwsgi has python3 and http built in"));
            return;
        }
        if (_mentioned.Add(row.Name))
            diagnostics.Add(entry.Notice($"'{entry.Key}': {row.Note}"));
    }

    /// <summary>`master` and `enable-threads` cannot be turned off: notice, keep them on.</summary>
    private bool AlwaysOn(ConfigEntry entry, OptionRow row, object? value)
    {
        string? why = row.Name switch
        {
            "master" => "dotnetwsgi always runs a master process",
            "enable-threads" => "Python threads always run in dotnetwsgi",
            _ => null,
        };
        if (why is null || value is not false)
            return false;
        diagnostics.Add(entry.Notice($"'{entry.Key} = {entry.Value}' is ignored: {why}"));
        return true;
    }

    /// <summary>Values that are valid but probably not what the user meant, or that differ from uWSGI.</summary>
    private void Notices(ConfigEntry entry, OptionRow row, object? value)
    {
        if (row.Name == "http" && _mentioned.Add("http"))
            diagnostics.Add(entry.Notice("'http' sockets are served by the workers directly (uWSGI starts a separate router process)"));
        if (value is string quoted && quoted.Length > 1 && quoted[0] is '"' or '\'' && quoted[^1] == quoted[0])
            diagnostics.Add(entry.Warning($"the quotes around the value of '{entry.Key}' are part of the value (ini values are not quoted, as in uWSGI)"));
        if (row.Kind == OptionKind.Path && value is string path && (ValueParser.TrueWords.Contains(path.ToLowerInvariant()) || ValueParser.FalseWords.Contains(path.ToLowerInvariant())))
            diagnostics.Add(entry.Warning($"'{entry.Key} = {path}' names a file called '{path}': this option takes a path, not a boolean"));
    }
}
