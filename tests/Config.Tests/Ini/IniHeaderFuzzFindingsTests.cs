// Inputs the fuzz tool (tools/Fuzz, `./build.sh fuzz`) found to crash the ini reader: a section
// header holding `]`, `=`, quotes or control bytes made the ini package invent keys from the header
// line, which then had no line number (ArgumentOutOfRangeException instead of a result).

using DotnetWsgi.Config.Ini;

namespace DotnetWsgi.Config.Tests.Ini;

public sealed class IniHeaderFuzzFindingsTests
{
    [Theory]
    [InlineData("[]\n[uwsgi]\u0002env = A=B=\nC\n", "")]
    [InlineData("[]\n= valwe\n\t\n[ = \"\u0001\u0000oted\"\nxothe\u007f\u0000\n", "")]
    [InlineData("[uwsgi]x = 1]\nsocket = :1\n", "uwsgi")]
    public void OddHeaders_GiveAResult_NotACrash(string text, string section)
    {
        var result = IniFileAdapter.ReadSection(text, section);

        Assert.All(result.Lines, l => Assert.InRange(l.Line, 1, text.Split('\n').Length));
    }

    [Fact]
    public void AHeaderWithABracketInside_IsOneSectionName_AsUwsgiReadsIt()
    {
        const string text = "[uwsgi]x = 1]\nsocket = :1\n[uwsgi]\nmaster = true\n";

        var odd = IniFileAdapter.ReadSection(text, "uwsgi]x = 1");
        var plain = IniFileAdapter.ReadSection(text, "uwsgi");

        Assert.Equal(new[] { ("socket", 2) }, odd.Lines.Select(l => (l.Key, l.Line)));
        Assert.Equal(new[] { ("master", 4) }, plain.Lines.Select(l => (l.Key, l.Line)));
    }
}

public sealed class IniLineFuzzFindingsTests
{
    [Fact] // seed 1, index 20858 and others: the ini package trimmed \v from keys, uWSGI trims spaces and tabs only
    public void KeysAndValues_AreTrimmedOfSpacesAndTabsOnly()
    {
        var result = IniFileAdapter.ReadSection("[uwsgi]\n\u000benv = A=B=C\u000b\nk = \u001ev\n", "uwsgi");

        Assert.Equal(new[] { ("\u000benv", "A=B=C\u000b"), ("k", "\u001ev") }, result.Lines.Select(l => (l.Key, l.Value)));
    }

    [Fact]
    public void AKeyHoldingAnyCharacter_IsStillALine()
    {
        var result = IniFileAdapter.ReadSection("[uwsgi]\n\u001ek = 1\na\u001fb = 2\n", "uwsgi");

        Assert.Equal(new[] { ("\u001ek", 2), ("a\u001fb", 3) }, result.Lines.Select(l => (l.Key, l.Line)));
    }
}
