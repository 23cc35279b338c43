// `dotnetwsgi --help`, generated from the option catalogue: grouped, one line per option, with
// aliases and short flags. Options accepted without effect and rejected ones are summarised by
// name at the end so the list stays truthful without growing.

using System.Text;
using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Manager.Cli;

internal static class HelpText
{
    private const int Column = 34;

    public static string Build()
    {
        var text = new StringBuilder();
        text.Append("usage: dotnetwsgi [--ini FILE[:SECTION]] [FILE.ini] [--OPTION VALUE ...]\n");
        text.Append("       dotnetwsgi --reload PIDFILE | --stop PIDFILE | --version | --help\n\n");
        text.Append("Every option works as an ini key (`processes = 4`) and as a flag (`--processes 4`, `--processes=4`);\n");
        text.Append("flags without a value mean true. Later values override earlier ones; repeatable options accumulate.\n\n");
        text.Append("Commands:\n");
        foreach (var flag in new ControlFlags().All)
            Item(text, string.Join(", ", flag.Aliases.Order().Append(flag.Name)) + (flag.HelpName is null ? "" : " " + flag.HelpName), flag.Description ?? "");
        foreach (var group in OptionCatalogue.Rows.Where(r => r.Status is OptionStatus.Implemented or OptionStatus.Builtin || r.Kind == OptionKind.Directive).GroupBy(r => r.Group))
        {
            text.Append('\n').Append(group.Key).Append(":\n");
            foreach (var row in group)
                Item(text, Flags(row), Describe(row));
        }
        Summary(text, "Accepted without effect (one warning each)", OptionStatus.Ignored);
        Summary(text, "Not supported (an error)", OptionStatus.Rejected);
        return text.ToString();
    }

    private static string Flags(OptionRow row)
    {
        string flags = (row.Short is { } s ? $"-{s}, " : "") + "--" + row.Name;
        string value = row.Kind == OptionKind.Directive ? DirectivePlaceholder(row.Name) : Placeholder(row.Kind);
        return value.Length == 0 ? flags : flags + " " + value;
    }

    private static string Describe(OptionRow row)
    {
        string help = row.Help;
        if (row.Aliases is { Length: > 0 } aliases)
            help += " (also " + string.Join(", ", aliases.Select(a => "--" + a)) + ")";
        if (row.Repeatable && row.Kind != OptionKind.Directive)
            help += " [repeatable]";
        if (row.Default is { } value)
            help += row.UwsgiDefault is null ? $" [default {value}]" : $" [default {value}; uWSGI: {row.UwsgiDefault}]";
        return help;
    }

    private static string DirectivePlaceholder(string name) => name switch
    {
        OptionCatalogue.Include => "FILE[:SECTION]",
        OptionCatalogue.Get => "NAME",
        _ => "NAME=VALUE",
    };

    private static string Placeholder(OptionKind kind) => kind switch
    {
        OptionKind.Flag => "",
        OptionKind.Int or OptionKind.Long => "N",
        OptionKind.Seconds => "SECONDS",
        OptionKind.Megabytes => "MB",
        OptionKind.Size16 => "BYTES",
        OptionKind.Path => "PATH",
        OptionKind.Name => "NAME",
        OptionKind.Address or OptionKind.Socket => "ADDRESS",
        OptionKind.OctalMode => "[MODE]",
        OptionKind.Mount => "/PREFIX=APP",
        OptionKind.StaticMap => "/PREFIX=DIR",
        OptionKind.EnvPair => "KEY=VALUE",
        _ => "VALUE",
    };

    private static void Item(StringBuilder text, string flags, string description)
    {
        text.Append("  ").Append(flags);
        text.Append(flags.Length + 2 < Column ? new string(' ', Column - flags.Length - 2) : "  ");
        text.Append(description).Append('\n');
    }

    private static void Summary(StringBuilder text, string title, OptionStatus status)
    {
        text.Append('\n').Append(title).Append(":\n");
        var line = new StringBuilder("  ");
        foreach (string name in OptionCatalogue.Rows.Where(r => r.Status == status).Select(r => r.Name))
        {
            if (line.Length + name.Length > 100)
            {
                text.Append(line.ToString().TrimEnd()).Append('\n');
                line.Clear().Append("  ");
            }
            line.Append(name).Append(", ");
        }
        text.Append(line.ToString().TrimEnd(' ', ',')).Append('\n');
    }
}
