// Overview
// The one place ini-parser-netstandard is used. uWSGI's ini dialect (core/ini.c) needs things the
// package loses, pinned by tests/Config.Tests/Ini/IniFileAdapterTests.cs:
//   * repeated keys: with AllowDuplicateKeys the package keeps only the FIRST `socket`, and
//     OverrideDuplicateKeys keeps only the last; uWSGI keeps every one, in order;
//   * key-less lines (`master`) and `#` comment lines make the whole parse fail;
//   * no line numbers, which every diagnostic needs.
// So a pre-pass rewrites each line before the package sees it: comment and blank lines become
// blank, a header keeps uWSGI's rule (the name is everything after `[` minus the last char), a
// key-less line gets ` =`, an empty header name gets a placeholder, and every key is tagged with its line number (`socket\u001f12`), which
// makes keys unique and carries the line through. The package then does the section grouping
// (duplicate sections merged in order) and the key/value split on the first `=`; values come back
// verbatim (inline ` # ...` is not stripped there: that is a typed-value decision made later).

using IniParser.Model.Configuration;
using IniParser.Parser;

namespace DotnetWsgi.Config.Ini;

/// <summary>One `key = value` line of the selected section.</summary>
public sealed record IniLine(string Key, string Value, int Line);

/// <summary>The selected section of one ini text, in file order.</summary>
public sealed record IniSection(IReadOnlyList<IniLine> Lines, bool Found);

public static class IniFileAdapter
{
    private const char LineTag = '\u001f';
    private const string EmptySection = "dotnetwsgi:empty-section"; // `[]` / `[`: the package needs a name

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
        if (section.Length == 0)
            section = EmptySection;
        var parser = new IniDataParser(Configuration.Clone());
        var data = parser.Parse(tagged)
            ?? throw new InvalidDataException("ini parser rejected the pre-processed text: " + string.Join("; ", parser.Errors.Select(e => e.Message)));
        if (!data.Sections.ContainsSection(section))
            return new IniSection([], false);
        var lines = new List<IniLine>();
        foreach (var key in data.Sections[section])
        {
            int tag = key.KeyName.LastIndexOf(LineTag);
            lines.Add(new IniLine(key.KeyName[..tag], key.Value, int.Parse(key.KeyName[(tag + 1)..])));
        }
        lines.Sort((a, b) => a.Line.CompareTo(b.Line)); // merged duplicate sections: keep file order
        return new IniSection(lines, true);
    }

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
                output.Append('[').Append(line.Length > 2 ? line.AsSpan(1, line.Length - 2) : EmptySection).Append(']');
            else
            {
                int eq = line.IndexOf('=');
                string key = (eq < 0 ? line : line[..eq]).Trim(' ', '\t');
                string value = eq < 0 ? "" : line[(eq + 1)..].Trim(' ', '\t');
                output.Append(key).Append(LineTag).Append(i + 1).Append(" = ").Append(value);
            }
            output.Append('\n');
        }
        return output.ToString();
    }
}
