// Overview
// One attached daemon as configured, from any of uWSGI's four forms:
//   attach-daemon = CMD                       run CMD, restart it when it dies, stop it with the master
//   smart-attach-daemon = PIDFILE CMD         CMD daemonizes and writes PIDFILE; the pid in it is watched
//   attach-daemon2 = key=value,...            the general form (cmd= is required)
//   smart-attach-daemon2 = key=value,...      the general form with pidfile= required
// attach-daemon2 keys: cmd (command, exec), pidfile, control, daemonize (daemon), touch, stopsignal
// (stop_signal), reloadsignal (reload_signal), chdir. An unknown key or a missing cmd is an error that
// names the option and the key. The parsing lives with the configuration so that a bad line is
// reported at its file:line when the configuration loads (also by --check-config), not only when the
// master starts its daemons.

using System.Globalization;

namespace DotnetWsgi.Config.Options;

/// <param name="Option">The option it came from (for messages).</param>
/// <param name="Command">Run with /bin/sh -c.</param>
/// <param name="Pidfile">Smart daemons: the pid to watch is read from here; null for plain ones.</param>
/// <param name="Daemonize">smart-attach-daemon2 daemonize: the command stays in the foreground and the master writes the pidfile.</param>
/// <param name="Control">A control daemon: when it dies the instance stops.</param>
/// <param name="Touch">Files whose change restarts the daemon.</param>
/// <param name="StopSignal">Signal sent to the daemon's process group to stop it (SIGTERM).</param>
/// <param name="ReloadSignal">On a master reload, send this instead of stopping and restarting it (0: restart).</param>
public sealed record DaemonSpec(string Option, string Command, string? Pidfile, bool Daemonize, bool Control,
    IReadOnlyList<string> Touch, int StopSignal, int ReloadSignal, string? Chdir)
{
    /// <summary>Smart daemons are tracked by pidfile and survive the master's reload and stop.</summary>
    public bool Smart => Pidfile is not null;

    private const int SigTerm = 15;

    /// <summary>The options whose values are daemon lines.</summary>
    public static readonly IReadOnlySet<string> OptionNames = new HashSet<string>(StringComparer.Ordinal)
        { "attach-daemon", "smart-attach-daemon", "attach-daemon2", "smart-attach-daemon2" };

    /// <summary>Why one value of a daemon option is bad (message names the option and the problem), or null.</summary>
    public static string? Check(string option, string value)
    {
        try
        {
            Parse(option, value);
            return null;
        }
        catch (DaemonLineException e)
        {
            return e.Message;
        }
    }

    /// <summary>Every daemon the options ask for; throws DaemonLineException on a bad line.</summary>
    public static List<DaemonSpec> FromOptions(ServerOptions options)
    {
        var specs = new List<DaemonSpec>();
        foreach (var cmd in options.AttachDaemon) specs.Add(Parse("attach-daemon", cmd));
        foreach (var value in options.SmartAttachDaemon) specs.Add(Parse("smart-attach-daemon", value));
        foreach (var value in options.AttachDaemon2) specs.Add(Parse("attach-daemon2", value));
        foreach (var value in options.SmartAttachDaemon2) specs.Add(Parse("smart-attach-daemon2", value));
        return specs;
    }

    private static DaemonSpec Parse(string option, string value) => option switch
    {
        "attach-daemon" => Plain(option, value),
        "smart-attach-daemon" => SmartShort(value),
        "attach-daemon2" => KeyValue(option, value, smart: false),
        "smart-attach-daemon2" => KeyValue(option, value, smart: true),
        _ => throw new ArgumentException($"{option} is not a daemon option", nameof(option)),
    };

    private static DaemonSpec Plain(string option, string command)
        => string.IsNullOrWhiteSpace(command) ? throw Bad(option, command, "the command is empty")
            : new(option, command.Trim(), null, false, false, [], SigTerm, 0, null);

    private static DaemonSpec SmartShort(string value)
    {
        var parts = value.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length < 2) throw Bad("smart-attach-daemon", value, "expected `PIDFILE COMMAND`");
        return new("smart-attach-daemon", parts[1], Path.GetFullPath(parts[0]), false, false, [], SigTerm, 0, null);
    }

    private static DaemonSpec KeyValue(string option, string value, bool smart)
    {
        string? cmd = null, pidfile = null, chdir = null;
        bool daemonize = false, control = false;
        var touch = new List<string>();
        int stop = SigTerm, reload = 0;
        foreach (var (key, v) in Pairs(option, value))
        {
            switch (key)
            {
                case "cmd" or "command" or "exec": cmd = v; break;
                case "pidfile": pidfile = Path.GetFullPath(v); break;
                case "daemonize" or "daemon": daemonize = Bool(option, value, key, v); break;
                case "control": control = Bool(option, value, key, v); break;
                case "touch": touch.Add(Path.GetFullPath(v)); break;
                case "stopsignal" or "stop_signal": stop = Signal(option, value, key, v); break;
                case "reloadsignal" or "reload_signal": reload = Signal(option, value, key, v); break;
                case "chdir": chdir = v; break;
                default:
                    throw Bad(option, value, $"unknown key '{key}' (known: cmd, pidfile, control, daemonize, touch, stopsignal, reloadsignal, chdir)");
            }
        }
        if (string.IsNullOrWhiteSpace(cmd)) throw Bad(option, value, "cmd= is required");
        if (smart && pidfile is null) throw Bad(option, value, "pidfile= is required");
        return new(option, cmd, pidfile, daemonize, control, touch, stop, reload, chdir);
    }

    /// <summary>key=value pairs separated by commas; a value may not contain a comma unless quoted with "".</summary>
    private static IEnumerable<(string Key, string Value)> Pairs(string option, string value)
    {
        foreach (var item in SplitTopLevel(value))
        {
            int eq = item.IndexOf('=');
            if (eq <= 0) throw Bad(option, value, $"`{item}` is not key=value");
            yield return (item[..eq].Trim().ToLowerInvariant(), item[(eq + 1)..].Trim().Trim('"'));
        }
    }

    private static IEnumerable<string> SplitTopLevel(string value)
    {
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        foreach (char c in value)
        {
            if (c == '"') quoted = !quoted;
            if (c == ',' && !quoted)
            {
                if (current.ToString().Trim().Length > 0) yield return current.ToString().Trim();
                current.Clear();
                continue;
            }
            current.Append(c);
        }
        if (current.ToString().Trim().Length > 0) yield return current.ToString().Trim();
    }

    private static bool Bool(string option, string value, string key, string v) => v.ToLowerInvariant() switch
    {
        "1" or "true" or "yes" or "on" or "" => true,
        "0" or "false" or "no" or "off" => false,
        _ => throw Bad(option, value, $"{key}={v} is not a boolean"),
    };

    private static int Signal(string option, string value, string key, string v)
        => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is > 0 and < 65 ? n
            : throw Bad(option, value, $"{key}={v} is not a signal number (1-64)");

    private static DaemonLineException Bad(string option, string value, string why) => new($"{option} = {value}: {why}");
}

/// <summary>A daemon line that cannot be parsed; the message names the option, the line and the problem.</summary>
public sealed class DaemonLineException(string message) : FormatException(message);
