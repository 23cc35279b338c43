// Custom keys: uWSGI keeps any key it does not know; dotnetwsgi keeps those not close to an option
// (a typo close to one stays an error with its did-you-mean).

using DotnetWsgi.Config.Options;
using DotnetWsgi.Config.Tests.Support;

namespace DotnetWsgi.Config.Tests.Options;

public sealed class CustomOptionTests : IDisposable
{
    private readonly TestConfig _config = new();

    public void Dispose() => _config.Dispose();

    private ConfigResult Load(string lines) => _config.LoadApp(lines);

    [Fact]
    public void FarFromEveryOption_IsKeptInOrder_WithOneNoticePerKey()
    {
        var result = Load("acc-custom = hello\nzzqq-flavour = a\nzzqq-flavour = b\n");
        Assert.True(result.Succeeded);
        Assert.Equal([new("acc-custom", "hello"), new("zzqq-flavour", "a"), new("zzqq-flavour", "b")], result.Options!.CustomOptions);
        Assert.Equal(2, result.Diagnostics.Count(d => d.Severity == ConfigSeverity.Notice && d.Message.Contains("custom option")));
    }

    [Fact]
    public void CloseToAnOption_StaysATypoError()
    {
        var result = Load("procesess = 4\n");
        Assert.False(result.Succeeded);
        Assert.Equal("t.ini:4: error: unknown option 'procesess' (did you mean 'processes'?)", TestConfig.Lines(result));
    }

    [Fact]
    public void UsableAsPlaceholder_WithoutANotice()
    {
        var result = Load("zzqq-base = /srv/app\nchdir = %(zzqq-base)/code\n");
        Assert.Equal("/srv/app/code", result.Options!.Chdir);
        Assert.Equal([new("zzqq-base", "/srv/app")], result.Options.CustomOptions);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void PrintConfig_WritesThemLast_AndReadsBack()
    {
        var options = Load("acc-custom = hello\n").Options!;
        string ini = ConfigWriter.ToIni(options);
        Assert.EndsWith("acc-custom = hello\n", ini);
        _config.Write("printed.ini", ini);
        Assert.Equal(options.CustomOptions, _config.Load("printed.ini").Options!.CustomOptions);
    }

    [Fact]
    public void OnTheCommandLine_StaysAnError_AsUwsgisGetopt()
    {
        var result = _config.Load("--socket", ":1", "--module", "app", "--acc-custom", "hello");
        Assert.Equal("command line: error: unknown option '--acc-custom'", TestConfig.Lines(result));
    }
}
