// Overview
// The three passes uWSGI runs over every collected value, in its order:
//   1. $(NAME)   environment variable; unset -> left literally;
//   2. @(path)   file contents minus one trailing newline (relative to the working directory);
//   3. %(name)   the FIRST value of option/placeholder `name` from any source, forward references
//                included; undefined -> left literally. `%(a b)` concatenates, and tokens joined by
//                + - * / do left-to-right integer math (`%(processes * 2)`).
// A %() value is itself expanded before it is substituted, so chains resolve; a cycle is an error.

using System.Text;

namespace DotnetWsgi.Config.Loading;

internal sealed class Expander(IReadOnlyDictionary<string, string> environment, string workingDirectory, List<ConfigDiagnostic> diagnostics)
{
    private const int MaxDepth = 16;
    private Dictionary<string, int> _first = [];
    private ConfigEntry[] _entries = [];
    private string?[] _resolved = [];
    private readonly HashSet<int> _resolving = [];

    /// <summary>Names some %(name) referred to: an unknown key used that way is a placeholder, not a typo.</summary>
    public HashSet<string> Referenced { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<ConfigEntry> Expand(IReadOnlyList<ConfigEntry> entries)
    {
        _entries = entries.Select(e => e with { Value = ExpandFiles(ExpandEnvironment(e.Value), e) }).ToArray();
        _first = [];
        for (int i = 0; i < _entries.Length; i++)
            _first.TryAdd(_entries[i].Key, i);
        _resolved = new string?[_entries.Length];
        for (int i = 0; i < _entries.Length; i++)
            Resolve(i);
        return _entries.Select((e, i) => e with { Value = _resolved[i]! }).ToList();
    }

    private string ExpandEnvironment(string value)
        => Replace(value, "$(", name => environment.TryGetValue(name, out var v) ? v : null);

    private string ExpandFiles(string value, ConfigEntry entry) => Replace(value, "@(", path =>
    {
        try
        {
            string text = File.ReadAllText(Path.GetFullPath(path, workingDirectory));
            return text.EndsWith('\n') ? text[..^1] : text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            diagnostics.Add(entry.Error($"cannot read @({path}) in '{entry.Key}': {e.Message}"));
            return null;
        }
    });

    private string Resolve(int index)
    {
        if (_resolved[index] is { } done)
            return done;
        if (!_resolving.Add(index) || _resolving.Count > MaxDepth)
        {
            diagnostics.Add(_entries[index].Error($"placeholder loop while expanding '{_entries[index].Key}'"));
            return _entries[index].Value;
        }
        string value = Replace(_entries[index].Value, "%(", expression => Evaluate(expression));
        _resolving.Remove(index);
        return _resolved[index] = value;
    }

    /// <summary>The value of a %(...) expression, or null to leave it literally.</summary>
    private string? Evaluate(string expression)
    {
        string[] tokens = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0)
            return null;
        foreach (string token in tokens)
            Referenced.Add(token);
        var values = tokens.Select(t => _first.TryGetValue(t, out int i) ? Resolve(i) : null).ToArray();
        if (values.All(v => v is null))
            return null;
        if (tokens.Any(t => t is "+" or "-" or "*" or "/" or "++" or "--"))
            return Arithmetic(tokens, values);
        return string.Concat(values.Select((v, i) => v ?? tokens[i]));
    }

    private static string? Arithmetic(string[] tokens, string?[] values)
    {
        long total = 0;
        string op = "+";
        for (int i = 0; i < tokens.Length; i++)
        {
            string token = tokens[i];
            if (token is "++" or "--") { total += token == "++" ? 1 : -1; continue; }
            if (token is "+" or "-" or "*" or "/") { op = token; continue; }
            if (!long.TryParse(values[i] ?? token, out long operand))
                return null;
            total = op switch { "+" => total + operand, "-" => total - operand, "*" => total * operand, _ => operand == 0 ? 0 : total / operand };
        }
        return total.ToString();
    }

    /// <summary>Replaces each `open...)` by lookup(inner); a null lookup keeps the text literally.</summary>
    private static string Replace(string value, string open, Func<string, string?> lookup)
    {
        if (!value.Contains(open, StringComparison.Ordinal))
            return value;
        var output = new StringBuilder(value.Length);
        int at = 0;
        while (at < value.Length)
        {
            int start = value.IndexOf(open, at, StringComparison.Ordinal);
            int end = start < 0 ? -1 : value.IndexOf(')', start + 2);
            if (end < 0)
            {
                output.Append(value, at, value.Length - at);
                break;
            }
            output.Append(value, at, start - at);
            string inner = value[(start + 2)..end];
            output.Append(lookup(inner) ?? value[start..(end + 1)]);
            at = end + 1;
        }
        return output.ToString();
    }
}
