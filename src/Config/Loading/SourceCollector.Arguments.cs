using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Config.Loading;

internal sealed partial class SourceCollector
{
    /// <summary>
    /// Walks the command line left to right as uWSGI's getopt_long does: `--name value`,
    /// `--name=value`, `-p value`/`-p4`, flags without a value, positional `x.ini` (loaded in place)
    /// and `x.py`/`x.wsgi` (wsgi-file). Unlike getopt, a prefix of a long name is not accepted.
    /// </summary>
    public void AddArguments(IReadOnlyList<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
                i = AddLong(args, i);
            else if (arg.Length >= 2 && arg[0] == '-' && arg != "--")
                i = AddShort(args, i);
            else if (arg != "--")
                AddPositional(arg);
        }
    }

    private int AddLong(IReadOnlyList<string> args, int i)
    {
        string body = args[i][2..];
        int eq = body.IndexOf('=');
        string name = eq < 0 ? body : body[..eq];
        string? inline = eq < 0 ? null : body[(eq + 1)..];
        var row = OptionCatalogue.Find(name);
        if (row is null)
        {
            Diagnostics.Add(CommandLineError($"unknown option '--{name}'{Suggestions.DidYouMean(name, "--")}"));
            return SkipValue(args, i, inline);
        }
        return AddWithValue(args, i, name, row, inline, "--" + name);
    }

    private int AddShort(IReadOnlyList<string> args, int i)
    {
        string arg = args[i];
        var row = OptionCatalogue.FindShort(arg[1]);
        if (row is null)
        {
            Diagnostics.Add(CommandLineError($"unknown option '-{arg[1]}'"));
            return SkipValue(args, i, arg.Length > 2 ? arg[2..] : null);
        }
        string? inline = arg.Length > 2 ? arg[2..] : null;
        if (!row.TakesValue && inline is not null)
        {
            Diagnostics.Add(CommandLineError($"option '-{arg[1]}' ({row.Name}) takes no value: '{arg}'"));
            return i;
        }
        return AddWithValue(args, i, row.Name, row, inline, "-" + arg[1]);
    }

    private int AddWithValue(IReadOnlyList<string> args, int i, string key, OptionRow row, string? inline, string shown)
    {
        string value;
        if (inline is not null || !row.TakesValue)
            value = inline ?? "";
        else if (row.Kind == OptionKind.OctalMode)
            value = IsMode(args, i + 1) ? args[++i] : ""; // `--chmod-socket` alone means 666
        else if (i + 1 < args.Count)
            value = args[++i];
        else
        {
            Diagnostics.Add(CommandLineError($"option '{shown}' needs a value"));
            return i;
        }
        Add(new ConfigEntry(key, value, ConfigEntry.CommandLine, 0));
        return i;
    }

    private void AddPositional(string arg)
    {
        var from = new ConfigEntry(OptionCatalogue.Include, arg, ConfigEntry.CommandLine, 0);
        if (arg.EndsWith(".ini", StringComparison.Ordinal) || SplitSection(arg).File.EndsWith(".ini", StringComparison.Ordinal))
            LoadIni(arg, from);
        else if (arg.EndsWith(".py", StringComparison.Ordinal) || arg.EndsWith(".wsgi", StringComparison.Ordinal))
            Add(new ConfigEntry("wsgi-file", arg, ConfigEntry.CommandLine, 0));
        else
            Diagnostics.Add(CommandLineError($"unable to load configuration from '{arg}' (expected an .ini file, a .py/.wsgi file or an option)"));
    }

    private static bool IsMode(IReadOnlyList<string> args, int i)
        => i < args.Count && args[i].Length > 0 && args[i].All(char.IsAsciiDigit);

    /// <summary>After an unknown option, its likely value is skipped so it is not misread as a file.</summary>
    private static int SkipValue(IReadOnlyList<string> args, int i, string? inline)
        => inline is null && i + 1 < args.Count && !args[i + 1].StartsWith('-') ? i + 1 : i;

    private static ConfigDiagnostic CommandLineError(string message)
        => new(ConfigSeverity.Error, message, ConfigEntry.CommandLine);
}
