// Overview
// The one place ini-parser-netstandard is used. uWSGI's ini dialect (core/ini.c) needs things the
// package loses, pinned by tests/Config.Tests/Ini/IniFileAdapterTests.cs:
//   * repeated keys: with AllowDuplicateKeys the package keeps only the FIRST `socket`, and
//     OverrideDuplicateKeys keeps only the last; uWSGI keeps every one, in order;
//   * key-less lines (`master`) and `#` comment lines make the whole parse fail;
//   * no line numbers, which every diagnostic needs.
// So a pre-pass rewrites each line before the package sees it: comment and blank lines become
// blank, a header keeps uWSGI's rule (the name is everything after `[` minus the last char) and is
// handed over hex-encoded (`[h7577736769]` for `[uwsgi]`), and a key line becomes `k<line number> =`.
// The package then only groups line numbers into sections (duplicate sections merged in order); each
// line's key and value are read from the line itself: split on the first `=`, trimmed of spaces and
// tabs only, as uWSGI does. Handing the package nothing of the user's text is deliberate: a header
// holding `]`, `=` or quotes made it invent keys, it trimmed \v, \f and Unicode spaces uWSGI keeps,
// and a comment character inside a key dropped the line (found by the fuzz tool, tools/Fuzz).
// Values come back verbatim (inline ` # ...` is not stripped there: that is a typed-value decision
// made later).

using IniParser.Model.Configuration;
using IniParser.Parser;

namespace DotnetWsgi.Config.Ini;

/// <summary>One `key = value` line of the selected section.</summary>
public sealed record IniLine(string Key, string Value, int Line);

/// <summary>The selected section of one ini text, in file order.</summary>
public sealed record IniSection(IReadOnlyList<IniLine> Lines, bool Found);

public static class IniFileAdapter
{

    private static readonly IniParserConfiguration Configuration = new()
    {
        AllowDuplicateKeys = false,
        AllowDuplicateSections = true,
        AllowKeysWithoutSection = true,
        ThrowExceptionsOnError = false,
        CaseInsensitive = false,
        CommentString = "\u001e", // comments are removed by the pre-pass; nothing else is a comment
    };

    /// <summary>Reads the lines of `section` (uWSGI default: `uwsgi`); text is after magic-variable substitution.</summary>
    public static IniSection ReadSection(string text, string section)
    {
        string tagged = Tag(text);
        section = SectionKey(section);
        var parser = new IniDataParser(Configuration.Clone());
        var data = parser.Parse(tagged)
            ?? throw new InvalidDataException("ini parser rejected the pre-processed text: " + string.Join("; ", parser.Errors.Select(e => e.Message)));
        if (!data.Sections.ContainsSection(section))
            return new IniSection([], false);
        var lines = new List<IniLine>();
        string[] raw = text.Split('\n');
        foreach (var key in data.Sections[section])
        {
            int line = int.Parse(key.KeyName.AsSpan(1));
            var (name, value) = SplitLine(raw[line - 1].Trim(' ', '\t', '\r'));
            lines.Add(new IniLine(name, value, line));
        }
        lines.Sort((a, b) => a.Line.CompareTo(b.Line)); // merged duplicate sections: keep file order
        return new IniSection(lines, true);
    }

    /// <summary>uWSGI's split of a (trimmed) line: key before the first '=', value after it, both trimmed.</summary>
    private static (string Key, string Value) SplitLine(string line)
    {
        int eq = line.IndexOf('=');
        return ((eq < 0 ? line : line[..eq]).Trim(' ', '\t'), eq < 0 ? "" : line[(eq + 1)..].Trim(' ', '\t'));
    }

    /// <summary>A section name as the package sees it: `h` + the UTF-8 bytes in hex (never misread).</summary>
    private static string SectionKey(string name) => "h" + Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(name));

    /// <summary>The pre-pass (see Overview). Line numbers are 1-based.</summary>
    internal static string Tag(string text)
    {
        var output = new System.Text.StringBuilder(text.Length + 64);
        string[] raw = text.Split('\n');
        for (int i = 0; i < raw.Length; i++)
        {
            string line = raw[i].Trim(' ', '\t', '\r');
            if (line.Length == 0 || line[0] is ';' or '#')
            { }
            else if (line[0] == '[')
                output.Append('[').Append(SectionKey(line.Length > 2 ? line[1..^1] : "")).Append(']');
            else
                output.Append('k').Append(i + 1).Append(" =");
            output.Append('\n');
        }
        return output.ToString();
    }
}
