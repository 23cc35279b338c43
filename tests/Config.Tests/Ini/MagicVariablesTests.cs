using DotnetWsgi.Config.Ini;
using DotnetWsgi.Config.Tests.Support;

namespace DotnetWsgi.Config.Tests.Ini;

public sealed class MagicVariablesTests
{
    private static readonly ConfigFileName File = new("ini/t1.ini", "/tmp/uwt/ini/t1.ini", "prod");
    private static readonly ConfigFileName Top = new("top.ini", "/srv/app/top.ini", "");

    private static string Apply(string text) => MagicVariables.Apply(text, File, Top, TestConfig.Machine);

    [Theory]
    [InlineData("%d", "/tmp/uwt/ini/")]
    [InlineData("%p", "/tmp/uwt/ini/t1.ini")]
    [InlineData("%s", "t1.ini")]
    [InlineData("%n", "t1")]
    [InlineData("%e", "ini")]
    [InlineData("%c", "ini")]
    [InlineData("%x", "prod")]
    [InlineData("%o", "ini/t1.ini")]
    [InlineData("%0/%1/%2/%3", "tmp/uwt/ini/")]
    [InlineData("%h", "testhost")]
    [InlineData("%k", "8")]
    [InlineData("%u:%U", "1000:alice")]
    [InlineData("%g:%G", "1001:staff")]
    [InlineData("%v", "/srv/cwd")]
    [InlineData("%V", "0.1.0")]
    [InlineData("%b", "/usr/bin/dotnetwsgi")]
    [InlineData("%t", "1700000000")]
    [InlineData("%T", "1700000000000000")]
    [InlineData("100%%", "100%")]
    [InlineData("%[", "\u001b")]
    public void Apply_ExpandsLowercaseFromTheCurrentFile(string text, string expected)
        => Assert.Equal(expected, Apply(text));

    [Theory]
    [InlineData("%D", "/srv/app/")]
    [InlineData("%N", "top")]
    [InlineData("%P", "/srv/app/top.ini")]
    [InlineData("%S", "top.ini")]
    [InlineData("%C", "app")]
    [InlineData("%E", "ini")]
    [InlineData("%X", "")]
    [InlineData("%O", "top.ini")]
    public void Apply_ExpandsUppercaseFromTheTopFile(string text, string expected)
        => Assert.Equal(expected, Apply(text));

    [Fact]
    public void Apply_UnknownLetter_VanishesWithThePercent()
        => Assert.Equal("50off", Apply("50%z off".Replace(" ", "")));

    [Fact]
    public void Apply_LeavesOptionPlaceholdersForTheLaterPass()
        => Assert.Equal("x-%(processes)-y", Apply("x-%(processes)-y"));

    [Fact]
    public void Apply_TrailingPercent_IsKept()
        => Assert.Equal("a%", Apply("a%"));

    [Fact]
    public void Apply_UnsupportedLetters_AreReported()
    {
        var seen = new HashSet<char>();
        Assert.Equal("x", MagicVariables.Apply("x%i%j", File, Top, TestConfig.Machine, seen));
        Assert.Equal(['i', 'j'], seen.Order());
    }
}
