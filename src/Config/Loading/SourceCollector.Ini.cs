using DotnetWsgi.Config.Ini;

namespace DotnetWsgi.Config.Loading;

internal sealed partial class SourceCollector
{
    private const int MaxIncludeDepth = 32;
    private readonly List<(string Key, string AsGiven)> _includeStack = [];
    private ConfigFileName? _top;
    private string? _lastFile;

    /// <summary>The top-level config file (first ini loaded), absolute.</summary>
    public string? TopFile => _top?.FullPath;

    /// <summary>Loads `FILE[:SECTION]` in place. `from` says who asked (for errors).</summary>
    public void LoadIni(string spec, ConfigEntry from)
    {
        var (file, section) = SplitSection(spec);
        if (file.Length == 0)
            file = _lastFile ?? "";
        if (file.Length == 0)
        {
            _diagnostics.Add(from.Error($"invalid value '{spec}' for '{from.DisplayKey}': expected FILE[:SECTION]"));
            return;
        }
        string fullPath = Path.GetFullPath(file, workingDirectory);
        string stackKey = fullPath + ":" + (section ?? "uwsgi");
        if (_includeStack.Any(s => s.Key == stackKey) || _includeStack.Count >= MaxIncludeDepth)
        {
            string chain = string.Join(" -> ", _includeStack.Select(s => s.AsGiven).Append(file));
            _diagnostics.Add(from.Error($"include loop: {chain}"));
            return;
        }
        if (!File.Exists(fullPath))
        {
            _diagnostics.Add(from.Error($"configuration file '{file}' not found (looked for {fullPath}; relative paths are relative to the working directory, as in uWSGI)"));
            return;
        }
        string text;
        try
        {
            text = File.ReadAllText(fullPath); // UTF-8; a BOM is dropped (uWSGI would misread the first header)
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _diagnostics.Add(from.Error($"cannot read configuration file '{file}': {e.Message}"));
            return;
        }
        var name = new ConfigFileName(file, fullPath, section ?? "");
        _top ??= name;
        _lastFile = file;
        _includeStack.Add((stackKey, file));
        try
        {
            ReadText(text, name, section ?? "uwsgi");
        }
        finally
        {
            _includeStack.RemoveAt(_includeStack.Count - 1);
        }
    }

    private void ReadText(string text, ConfigFileName name, string section)
    {
        var unsupported = new HashSet<char>();
        string substituted = MagicVariables.Apply(text, name, _top!, machine, unsupported);
        foreach (char letter in unsupported)
            _diagnostics.Add(new ConfigDiagnostic(ConfigSeverity.Warning, $"magic variable %{letter} is not supported; it expands to nothing", name.AsGiven));
        IniSection lines;
        try
        {
            lines = IniFileAdapter.ReadSection(substituted, section);
        }
        catch (InvalidDataException e)
        {
            _diagnostics.Add(new ConfigDiagnostic(ConfigSeverity.Error, e.Message, name.AsGiven));
            return;
        }
        if (!lines.Found)
            _diagnostics.Add(new ConfigDiagnostic(ConfigSeverity.Warning, $"can't find section \"{section}\" in INI configuration file {name.AsGiven}", name.AsGiven));
        foreach (var line in lines.Lines)
            Add(new ConfigEntry(line.Key, line.Value, name.AsGiven, line.Line));
    }

    /// <summary>`app.ini:prod` -> (app.ini, prod). A colon followed by a path separator is part of the name.</summary>
    internal static (string File, string? Section) SplitSection(string spec)
    {
        int colon = spec.LastIndexOf(':');
        if (colon < 0 || spec.AsSpan(colon + 1).Contains('/'))
            return (spec, null);
        return (spec[..colon], spec[(colon + 1)..]);
    }
}
