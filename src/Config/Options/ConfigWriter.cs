// `--print-config`: the effective options as an ini file that reads back to the same ServerOptions.
// Every implemented option is written (defaults included, so the output documents what runs);
// empty lists and unset paths are left out; custom keys (not options) come last. Sockets keep their declaring option and their order.
// `%` is doubled because magic variables are substituted in file text.

using System.Collections;
using System.Globalization;
using System.Text;

namespace DotnetWsgi.Config.Options;

public static class ConfigWriter
{
    public static string ToIni(ServerOptions options)
    {
        var output = new StringBuilder();
        output.Append("; dotnetwsgi effective configuration");
        if (options.ConfigFile is not null)
            output.Append(" (from ").Append(options.ConfigFile).Append(')');
        output.Append("\n[uwsgi]\n");
        var written = new HashSet<string>();
        foreach (var row in OptionCatalogue.Rows.Where(r => r.Status == OptionStatus.Implemented && r.Property is not null))
        {
            if (!written.Add(row.Property!))
                continue;
            object? value = OptionProperties.Find(row.Property!).Get(options);
            if (value is IEnumerable list and not string)
                foreach (object item in list)
                    WriteItem(output, row, item);
            else if (value is not null)
                Line(output, row.Name, Format(row, value));
        }
        foreach (var custom in options.CustomOptions)
            Line(output, custom.Key, custom.Value);
        return output.ToString();
    }

    private static void WriteItem(StringBuilder output, OptionRow row, object item)
    {
        switch (item)
        {
            case SocketSpec socket: Line(output, socket.Option, socket.Name); break;
            case MountSpec mount: Line(output, row.Name, mount.MountPoint + "=" + mount.Target); break;
            case EnvSetting env: Line(output, row.Name, env.Key + "=" + env.Value); break;
            case StaticMap map: Line(output, row.Name, map.Prefix + "=" + map.Directory); break;
            default: Line(output, row.Name, Format(row, item)); break;
        }
    }

    private static string Format(OptionRow row, object value) => value switch
    {
        bool b => b ? "true" : "false",
        int mode when row.Kind == OptionKind.OctalMode => Convert.ToString(mode, 8).PadLeft(3, '0'),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static void Line(StringBuilder output, string key, string value)
        => output.Append(key).Append(" = ").Append(value.Replace("%", "%%")).Append('\n');
}
