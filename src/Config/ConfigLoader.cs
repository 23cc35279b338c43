// Overview
// The public entry point: every source (UWSGI_* environment, command-line flags, ini files) becomes
// ordered entries (SourceCollector), then $()/@()/%() expansion (Expander), then a typed
// ServerOptions (OptionBinder) and cross-option checks (OptionValidator). Pure apart from reading
// files, so the master can call it again on reload with the original arguments.

using DotnetWsgi.Config.Ini;
using DotnetWsgi.Config.Loading;
using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Config;

public static class ConfigLoader
{
    /// <summary>
    /// Reads the configuration. args is the command line without control flags (--help, --version,
    /// --reload, --stop, --check-config, --print-config); relative paths resolve against workingDirectory.
    /// </summary>
    public static ConfigResult Load(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, string workingDirectory)
        => Load(args, environment, workingDirectory, MachineFacts.Current(workingDirectory));

    // For testing: pins hostname, ids and time for magic variables.
    internal static ConfigResult Load(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, string workingDirectory, MachineFacts machine)
    {
        var collector = new SourceCollector(workingDirectory, machine);
        collector.AddEnvironment(environment);
        collector.AddArguments(args);
        collector.Finish();
        var diagnostics = collector.Diagnostics;
        var expander = new Expander(environment, workingDirectory, diagnostics);
        var entries = expander.Expand(collector.Entries);
        var placeholders = new HashSet<string>(expander.Referenced, StringComparer.Ordinal);
        placeholders.UnionWith(entries.Where(e => e.Key == OptionCatalogue.Get).Select(e => e.Value)); // `--get base` reads a custom key
        var options = new OptionBinder(diagnostics, placeholders).Bind(entries, collector.TopFile);
        var requested = Requested(entries);
        if (requested.Count == 0 && !diagnostics.Any(d => d.Severity == ConfigSeverity.Error))
            diagnostics.AddRange(OptionValidator.Validate(options));
        bool failed = diagnostics.Any(d => d.Severity == ConfigSeverity.Error);
        return new ConfigResult(failed ? null : options, InReadingOrder(diagnostics)) { RequestedValues = requested, Effective = options };
    }

    /// <summary>`get = KEY` entries answered with the first value of KEY (after expansion); unset keys print nothing, as uWSGI.</summary>
    private static List<string> Requested(IReadOnlyList<ConfigEntry> entries)
        => entries.Where(e => e.Key == OptionCatalogue.Get && !e.IsPlaceholder)
            .Select(get => entries.FirstOrDefault(e => e.Key == get.Value)?.Value)
            .OfType<string>()
            .ToList();

    /// <summary>
    /// Diagnostics come from several passes (collection, expansion, binding); users read them per
    /// file, top to bottom. Files keep the order they were first mentioned; whole-config ones go last.
    /// </summary>
    private static List<ConfigDiagnostic> InReadingOrder(List<ConfigDiagnostic> diagnostics)
    {
        var fileOrder = diagnostics.Select(d => d.File).Where(f => f is not null).Distinct().ToList();
        return diagnostics
            .OrderBy(d => d.File is null ? int.MaxValue : fileOrder.IndexOf(d.File))
            .ThenBy(d => d.Line)
            .ToList(); // OrderBy is stable: same place keeps pass order
    }

    /// <summary>Environment.GetEnvironmentVariables() as a dictionary.</summary>
    public static IReadOnlyDictionary<string, string> CurrentEnvironment()
        => Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
}
