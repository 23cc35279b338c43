// Typed parsing of one option value, strict where uWSGI is lax: `processes = many`
// is an error here (uWSGI's atoi gives 0), and booleans are one of a fixed list (uWSGI treats any
// unknown word as true). Each parser returns the typed value or an error message.

using System.Globalization;

namespace DotnetWsgi.Config.Options;

public static class ValueParser
{
    public static readonly string[] TrueWords = ["", "true", "yes", "on", "1"];
    public static readonly string[] FalseWords = ["false", "no", "off", "0"];

    /// <summary>Parses `value` per `row.Kind`; `key` is the name as written, for messages.</summary>
    public static (object? Value, string? Error) Parse(OptionRow row, string key, string value) => row.Kind switch
    {
        OptionKind.Flag => Flag(key, value),
        OptionKind.Int or OptionKind.Seconds => Whole(key, value, int.MaxValue),
        OptionKind.Long or OptionKind.Megabytes => Whole(key, value, long.MaxValue),
        OptionKind.Size16 => Size16(key, value),
        OptionKind.Socket => SocketAddress.Parse(row, key, value),
        OptionKind.OctalMode => OctalMode(key, value),
        OptionKind.Mount => Pair(key, value, "/prefix=module-or-file", (a, b) => new MountSpec(a, b)),
        OptionKind.StaticMap => Pair(key, value, "/prefix=/directory", (a, b) => new StaticMap(a, b)),
        OptionKind.EnvPair => Pair(key, value, "KEY=VALUE", (a, b) => new EnvSetting(a, b)),
        OptionKind.Name => NonEmpty(key, value, "a name") is { } error ? (null, error)
            : value.Any(char.IsWhiteSpace) ? (null, Invalid(key, value, "a name without spaces")) : (value, null),
        OptionKind.Path => NonEmpty(key, value, "a path") is { } error ? (null, error) : (value, null),
        OptionKind.Address => SocketAddress.Parse(row, key, value) is (_, { } error) ? (null, error) : (value, null),
        _ => (value, null),
    };

    public static string Invalid(string key, string value, string expected) => $"invalid value '{value}' for '{key}': expected {expected}";

    private static (object?, string?) Flag(string key, string value)
    {
        string lowered = value.ToLowerInvariant();
        if (TrueWords.Contains(lowered)) return (true, null);
        if (FalseWords.Contains(lowered)) return (false, null);
        return (null, Invalid(key, value, "true/false/yes/no/on/off/1/0"));
    }

    private static (object?, string?) Whole(string key, string value, long max)
    {
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n))
            return (null, Invalid(key, value, "a whole number"));
        if (n < 0)
            return (null, $"invalid value '{value}' for '{key}': must be 0 or more");
        if (n > max)
            return (null, $"invalid value '{value}' for '{key}': must be at most {max}");
        return (max == int.MaxValue ? (object)(int)n : n, null);
    }

    /// <summary>`buffer-size`: clamped to 65535 as uWSGI does (it is a 16-bit field there).</summary>
    private static (object?, string?) Size16(string key, string value)
    {
        var (n, error) = Whole(key, value, long.MaxValue);
        return error is null ? ((int)Math.Min((long)n!, 65535), null) : (null, error);
    }

    private static (object?, string?) OctalMode(string key, string value)
    {
        if (value is "" or "1")
            return (Convert.ToInt32("666", 8), null);
        if (value.Length == 3 && value.All(c => c is >= '0' and <= '7'))
            return (Convert.ToInt32(value, 8), null);
        return (null, Invalid(key, value, "three octal digits such as 660 (or no value for 666)"));
    }

    private static (object?, string?) Pair(string key, string value, string shape, Func<string, string, object> make)
    {
        int eq = value.IndexOf('=');
        if (eq <= 0)
            return (null, Invalid(key, value, shape));
        return (make(value[..eq].Trim(), value[(eq + 1)..].Trim()), null);
    }

    private static string? NonEmpty(string key, string value, string expected)
        => value.Length == 0 ? $"'{key}' needs a value: expected {expected}" : null;
}
