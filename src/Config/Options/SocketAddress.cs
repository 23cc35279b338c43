// Socket declarations as uWSGI reads them: a value whose last `:` splits a host
// (empty = all interfaces, `[v6]` bracketed) from a port is TCP, anything else is a unix path.

using System.Globalization;

namespace DotnetWsgi.Config.Options;

public static class SocketAddress
{
    public static (object? Value, string? Error) Parse(OptionRow row, string key, string value)
    {
        var protocol = row.Protocol ?? SocketProtocol.Uwsgi;
        if (value.Length == 0)
            return (null, $"'{key}' needs an address (host:port or a unix socket path)");
        if (value[0] == '=')
            return (null, $"invalid value '{value}' for '{key}': shared socket references (=N) are not supported");
        if (value[0] == '@')
            return (null, $"invalid value '{value}' for '{key}': abstract unix sockets (@name) are not supported");
        if (value.Any(char.IsWhiteSpace))
            return (null, ValueParser.Invalid(key, value, "an address without spaces (host:port or a unix socket path)"));
        int colon = value.LastIndexOf(':');
        if (colon < 0)
            return (new SocketSpec(row.Name, value, protocol, SocketFamily.Unix, null, 0, value), null);
        string host = value[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
            host = host[1..^1];
        string port = value[(colon + 1)..];
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number > 65535)
            return (null, ValueParser.Invalid(key, value, "host:port with a port from 0 to 65535, or a unix socket path"));
        return (new SocketSpec(row.Name, value, protocol, SocketFamily.Tcp, host, number, null), null);
    }
}
