using DotnetWsgi.Config.Ini;
using IniParser.Model.Configuration;
using IniParser.Parser;

namespace DotnetWsgi.Config.Tests.Ini;

public sealed class IniFileAdapterTests
{
    private static string Keys(IniSection section) => string.Join(" | ", section.Lines.Select(l => $"{l.Line}:{l.Key}={l.Value}"));

    [Fact]
    public void IniDataParser_KeepsOnlyTheFirstRepeatedKey_WhichIsWhyTheAdapterTagsLines()
    {
        // Pins the package behaviour the adapter works around: uWSGI needs both sockets.
        var parser = new IniDataParser(new IniParserConfiguration { AllowDuplicateKeys = true, ThrowExceptionsOnError = false });
        var data = parser.Parse("[uwsgi]\nsocket = :1\nsocket = :2\n");
        Assert.Equal(":1", data["uwsgi"]["socket"]);
        Assert.Single(data["uwsgi"]);
    }

    [Fact]
    public void IniDataParser_RejectsKeyLessLinesAndHashComments_WhichIsWhyTheAdapterRewritesThem()
    {
        var parser = new IniDataParser(new IniParserConfiguration { ThrowExceptionsOnError = false });
        Assert.Null(parser.Parse("[uwsgi]\nmaster\n# comment\n"));
    }

    [Fact]
    public void ReadSection_KeepsRepeatedKeysInOrder_WithLineNumbers()
    {
        var section = IniFileAdapter.ReadSection("[uwsgi]\nsocket = :1\nenv = A=1\nsocket = :2\n", "uwsgi");
        Assert.Equal("2:socket=:1 | 3:env=A=1 | 4:socket=:2", Keys(section));
    }

    [Fact]
    public void ReadSection_KeyWithoutEquals_HasEmptyValue()
        => Assert.Equal("2:master=", Keys(IniFileAdapter.ReadSection("[uwsgi]\nmaster\n", "uwsgi")));

    [Fact]
    public void ReadSection_SplitsOnFirstEquals()
        => Assert.Equal("2:key=a = b", Keys(IniFileAdapter.ReadSection("[uwsgi]\nkey = a = b\n", "uwsgi")));

    [Fact]
    public void ReadSection_SkipsCommentLinesButKeepsInlineCommentsInValues()
    {
        var section = IniFileAdapter.ReadSection("[uwsgi]\n# one\n  ; two\nprocesses = 4 # four\n", "uwsgi");
        Assert.Equal("4:processes=4 # four", Keys(section));
    }

    [Fact]
    public void ReadSection_MergesRepeatedSections_InFileOrder()
    {
        var section = IniFileAdapter.ReadSection("[uwsgi]\na = 1\n[other]\nb = 2\n[uwsgi]\nc = 3\n", "uwsgi");
        Assert.Equal("2:a=1 | 6:c=3", Keys(section));
    }

    [Fact]
    public void ReadSection_IgnoresLinesBeforeTheFirstHeaderAndOtherSections()
    {
        var section = IniFileAdapter.ReadSection("top = 1\n[prod]\nx = 1\n[uwsgi]\ny = 2\n", "prod");
        Assert.Equal("3:x=1", Keys(section));
    }

    [Fact]
    public void ReadSection_AcceptsCrlfAndIndentation()
    {
        var section = IniFileAdapter.ReadSection("\t[uwsgi]\r\n\t\tprocesses = 4\r\n  master = true  \r\n", "uwsgi");
        Assert.Equal("2:processes=4 | 3:master=true", Keys(section));
    }

    [Fact]
    public void ReadSection_HeaderNameDropsTheLastCharacter_AsUwsgi()
    {
        Assert.True(IniFileAdapter.ReadSection("[a b]]\nx = 1\n", "a b]").Found);
        Assert.False(IniFileAdapter.ReadSection("[uwsgi] ; note\nx = 1\n", "uwsgi").Found);
    }

    [Fact]
    public void ReadSection_KeysAreCaseSensitive()
        => Assert.Equal("2:Master=true", Keys(IniFileAdapter.ReadSection("[uwsgi]\nMaster = true\n", "uwsgi")));

    [Fact]
    public void ReadSection_MissingSection_IsNotFound()
    {
        var section = IniFileAdapter.ReadSection("[uwsgi]\nx = 1\n", "nosuch");
        Assert.False(section.Found);
        Assert.Empty(section.Lines);
    }

    [Fact]
    public void ReadSection_KeepsQuotesAndPlaceholderSyntaxVerbatim()
    {
        var section = IniFileAdapter.ReadSection("[uwsgi]\nmodule = \"app:app\"\nlog-format = %(addr) [%(ltime)]\n", "uwsgi");
        Assert.Equal("2:module=\"app:app\" | 3:log-format=%(addr) [%(ltime)]", Keys(section));
    }
}

public sealed class IniFileAdapterOddLinesTests
{
    [Theory]
    [InlineData("= value", "")]
    [InlineData("my key = 1", "my key")]
    [InlineData("中文 = 值", "中文")]
    [InlineData("a.b:c = [x]", "a.b:c")]
    [InlineData("key=", "key")]
    [InlineData("  ==  ", "")]
    public void ReadSection_OddKeys_AreReturnedForTheBinderToJudge(string line, string key)
    {
        var section = IniFileAdapter.ReadSection("[uwsgi]\n" + line + "\n", "uwsgi");
        Assert.Equal(key, Assert.Single(section.Lines).Key);
    }

    [Theory]
    [InlineData("[")]
    [InlineData("[]")]
    [InlineData("[uwsgi")]
    public void ReadSection_OddHeaders_DoNotThrow(string header)
    {
        var section = IniFileAdapter.ReadSection(header + "\nx = 1\n[uwsgi]\ny = 2\n", "uwsgi");
        Assert.Equal("y", section.Lines[^1].Key);
    }
}
