using DotnetWsgi.Config.Options;
using DotnetWsgi.Config.Tests.Support;

namespace DotnetWsgi.Config.Tests.Options;

public sealed class OptionBinderTests : IDisposable
{
    private readonly TestConfig _config = new();

    public void Dispose() => _config.Dispose();

    private ConfigResult Load(string lines) => _config.LoadApp(lines);

    [Fact]
    public void Scalars_LastWins_Lists_Accumulate()
    {
        var options = Load("processes = 2\npythonpath = /a\nprocesses = 3\npythonpath = /b\n").Options!;
        Assert.Equal((3, "/a,/b"), (options.Processes, string.Join(",", options.PythonPath)));
    }

    [Theory]
    [InlineData("workers = 5", "Processes", "5")]
    [InlineData("virtualenv = /venv", "Home", "/venv")]
    [InlineData("venv = /venv", "Home", "/venv")]
    [InlineData("pyhome = /venv", "Home", "/venv")]
    [InlineData("wsgi = pkg.mod:app", "Module", "pkg.mod:app")]
    [InlineData("file = run.py", "WsgiFile", "run.py")]
    [InlineData("python-autoreload = 2", "PyAutoreload", "2")]
    [InlineData("logformat = %(method)", "LogFormat", "%(method)")]
    public void Aliases_BindTheSameProperty(string line, string property, string expected)
    {
        var options = Load(line + "\n").Options!;
        Assert.Equal(expected, typeof(ServerOptions).GetProperty(property)!.GetValue(options)!.ToString());
    }

    [Fact]
    public void PythonPathAliases_Accumulate()
        => Assert.Equal(["/a", "/b", "/c"], Load("pythonpath = /a\npython-path = /b\npp = /c\n").Options!.PythonPath);

    [Fact]
    public void UnknownOption_IsAnErrorWithDidYouMean()
        => Assert.Equal("t.ini:4: error: unknown option 'enable_threads' (did you mean 'enable-threads'?)", TestConfig.Lines(Load("enable_threads = true\n")));

    [Fact]
    public void UnknownOption_WrongCase_SuggestsTheRealName()
        => Assert.Equal("t.ini:4: error: unknown option 'Master' (did you mean 'master'?)", TestConfig.Lines(Load("Master = true\n")));

    [Fact]
    public void UnknownOption_FarFromEverything_IsACustomOption()
        => Assert.Equal("t.ini:4: notice: 'zzzzqqqq' is not a uWSGI option: kept as a custom option (uwsgi.opt, %(zzzzqqqq))", TestConfig.Lines(Load("zzzzqqqq = 1\n")));

    [Fact]
    public void RejectedOption_IsAnErrorSayingWhy()
        => Assert.Equal("t.ini:4: error: option 'chroot' is not supported by dotnetwsgi: chroot is not supported",
            TestConfig.Lines(Load("chroot = /srv/jail\n")));

    [Fact]
    public void IgnoredOption_WarnsOnce()
    {
        var result = Load("max-fd = 1\nmax-fd = 2\n");
        Assert.True(result.Succeeded);
        Assert.Equal("t.ini:4: warning: option 'max-fd' is accepted but has no effect in dotnetwsgi: not implemented", TestConfig.Lines(result));
    }

    [Fact]
    public void PythonPlugin_IsAcceptedSilently_OtherPluginsWarn()
    {
        Assert.Empty(Load("plugin = python3\nplugins = python3,http\n").Diagnostics);
        Assert.Equal("t.ini:4: warning: plugin 'gevent' is not available; dotnetwsgi has python3 and http built in", TestConfig.Lines(Load("plugin = gevent\n")));
    }

    [Fact]
    public void MasterFalse_IsANotice_AndTheMasterStaysOn()
    {
        var result = Load("master = false\n");
        Assert.True(result.Succeeded);
        Assert.True(result.Options!.Master);
        Assert.Equal("t.ini:4: notice: 'master = false' is ignored: dotnetwsgi always runs a master process", TestConfig.Lines(result));
    }

    [Fact]
    public void EnableThreadsOff_IsANotice_AndThreadsStayEnabled()
    {
        var result = Load("enable-threads = no\n");
        Assert.True(result.Options!.EnableThreads);
        Assert.Equal("t.ini:4: notice: 'enable-threads = no' is ignored: Python threads always run in dotnetwsgi", TestConfig.Lines(result));
    }

    [Fact]
    public void InlineComment_OnIncludeAndPlugin_IsStripped()
    {
        _config.Write("more.ini", "[uwsgi]\nprocesses = 5\n");
        var result = Load("ini = more.ini # shared settings\nplugin = python3 ; needed by uWSGI\n");
        Assert.Equal(5, result.Options!.Processes);
        Assert.Equal("t.ini:4: warning: stripped an inline comment from 'ini' (and from 1 more value); uWSGI would keep the comment as part of the value", TestConfig.Lines(result));
    }

    [Fact]
    public void InlineComment_OnTypedValues_IsStrippedWithOneWarning()
    {
        var result = Load("processes = 4 # four\nsocket = :8080 ; nginx\nwsgi-file = run.py\t# entry\n");
        Assert.Equal((4, ":8080", "run.py"), (result.Options!.Processes, result.Options.Sockets[1].Name, result.Options.WsgiFile));
        Assert.Equal("t.ini:4: warning: stripped an inline comment from 'processes' (and from 2 more values); uWSGI would keep the comment as part of the value", TestConfig.Lines(result));
    }

    [Fact]
    public void InlineComment_OnFreeText_IsKeptWithAWarning()
    {
        var result = Load("env = GREETING=hi # there\nlog-format = %(status) ; x\n");
        Assert.Equal(new EnvSetting("GREETING", "hi # there"), result.Options!.Env[0]);
        Assert.Equal("%(status) ; x", result.Options.LogFormat);
        Assert.Equal(2, result.Diagnostics.Count(d => d.Message.Contains("looks like an inline comment; it is kept as part of the value, as uWSGI does")));
    }

    [Fact]
    public void HashInsideAValue_IsNotAComment()
        => Assert.Equal("/srv/a#b", Load("chdir = /srv/a#b\n").Options!.Chdir);

    [Fact]
    public void PathOption_GivenABoolean_Warns()
        => Assert.Equal("t.ini:4: warning: 'touch-reload = true' names a file called 'true': this option takes a path, not a boolean",
            TestConfig.Lines(Load("touch-reload = true\n")));

    [Fact]
    public void QuotedModule_KeepsItsQuotes_AsUwsgi_WithAWarning()
    {
        var result = Load("module = \"app:app\"\n");
        Assert.Equal("\"app:app\"", result.Options!.Module);
        Assert.Equal("t.ini:4: warning: the quotes around the value of 'module' are part of the value (ini values are not quoted, as in uWSGI)", TestConfig.Lines(result));
    }
}
