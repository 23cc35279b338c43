// The ini reader (src/Config/Ini): texts generated from uWSGI's ini dialect (sections, repeated
// keys, key-less lines, ';' and '#' comments, values holding '=' and '%(...)', CRLF, stray brackets),
// then mutated. Invariants: the only exception is the reader's own InvalidDataException; a section
// not found has no lines; exactly the key lines of the section come back, in file order, each with
// the key and value its raw line has (checked against an independent reading of the text).

using System.Text;
using DotnetWsgi.Config.Ini;

namespace DotnetWsgi.Fuzz;

public sealed class IniTarget : IFuzzTarget
{
    private static readonly string[] Lines =
    [
        "[uwsgi]", "[uwsgi]", "[other]", "[]", "[", "[uwsgi", "socket = 127.0.0.1:3031", "socket = /tmp/a.sock", "master", "master = true",
        "processes = 4", "  threads=2  ", "; comment", "# comment", "env = A=B=C", "module = app:application # inline", "key =", "= value",
        "chdir = %(here)/x", "x = \"quoted\"", "\t", "", "a\u001fb = 1", "k = \u001e", "plugins = python3\r",
    ];
    private static readonly string[] Sections = ["uwsgi", "other", ""];
    private static readonly byte[][] Dictionary = [.. new[] { "\n", "\r\n", "[", "]", "=", ";", "#", "\u001f", "\u001e", "%(", " = " }.Select(Encoding.UTF8.GetBytes)];

    public string Name => "ini";
    public Dictionary<string, long> Counts { get; } = new() { ["found"] = 0, ["not-found"] = 0, ["rejected"] = 0, ["lines"] = 0 };

    public byte[] Generate(ref Rng rng)
    {
        var sb = new StringBuilder();
        sb.Append(rng.Pick(Sections)).Append('\n'); // the section to read, then the text
        int count = rng.Next(0, 12);
        for (int i = 0; i < count; i++) sb.Append(rng.Pick(Lines)).Append('\n');
        var text = Encoding.UTF8.GetBytes(sb.ToString());
        return rng.Chance(50) ? Mutator.Mutate(text, ref rng, Dictionary) : text;
    }

    public string? Check(byte[] input)
    {
        string all = Encoding.UTF8.GetString(input);
        int nl = all.IndexOf('\n');
        string section = nl < 0 ? "uwsgi" : all[..nl];
        string text = nl < 0 ? all : all[(nl + 1)..];
        IniSection result;
        try { result = IniFileAdapter.ReadSection(text, section); }
        catch (InvalidDataException) { Counts["rejected"]++; return null; }
        Counts[result.Found ? "found" : "not-found"]++;
        if (!result.Found && result.Lines.Count > 0) return "lines from a section that was not found";
        var raw = text.Split('\n');
        var (found, expected) = Expected(raw, section);
        if (found != result.Found || !expected.SequenceEqual(result.Lines.Select(l => l.Line)))
            return $"section '{Escape(section)}': lines [{string.Join(",", result.Lines.Select(l => l.Line))}] found={result.Found}, the text has [{string.Join(",", expected)}] found={found}";
        int last = 0;
        foreach (var line in result.Lines)
        {
            if (line.Line <= last || line.Line > raw.Length) return $"line number {line.Line} out of order or outside the text ({raw.Length} lines)";
            last = line.Line;
            string content = raw[line.Line - 1].Trim(' ', '\t', '\r');
            int eq = content.IndexOf('=');
            string key = (eq < 0 ? content : content[..eq]).Trim(' ', '\t');
            string value = eq < 0 ? "" : content[(eq + 1)..].Trim(' ', '\t');
            if (line.Key != key || line.Value != value)
                return $"line {line.Line}: '{Escape(line.Key)}' = '{Escape(line.Value)}' but the text says '{Escape(key)}' = '{Escape(value)}'";
            Counts["lines"]++;
        }
        return null;
    }

    /// <summary>uWSGI's reading of which lines belong to section: headers are `[` + name + one last char.</summary>
    private static (bool Found, List<int> Lines) Expected(string[] raw, string section)
    {
        bool found = false, inside = false;
        var lines = new List<int>();
        for (int i = 0; i < raw.Length; i++)
        {
            string line = raw[i].Trim(' ', '\t', '\r');
            if (line.Length == 0 || line[0] is ';' or '#') continue;
            if (line[0] == '[')
            {
                inside = (line.Length > 2 ? line[1..^1] : "") == section;
                found |= inside;
            }
            else if (inside) lines.Add(i + 1);
        }
        return (found, lines);
    }

    private static string Escape(string s) => string.Concat(s.Select(c => c < 0x20 || c >= 0x7f ? $"\\u{(int)c:x4}" : c.ToString()));
}
