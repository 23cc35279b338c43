using DotnetWsgi.Config.Tests.Support;

namespace DotnetWsgi.Config.Tests.Loading;

// Sources, their order and includes, through ConfigLoader.
public sealed class SourceCollectorTests : IDisposable
{
    private const string App = "socket = :9000\nmodule = app\n";
    private readonly TestConfig _config = new();

    public void Dispose() => _config.Dispose();

    [Fact]
    public void Load_CommandLineAfterIni_Wins()
    {
        _config.Write("base.ini", "[uwsgi]\n" + App + "processes = 4\n");
        Assert.Equal(2, _config.Load("--ini", "base.ini", "--processes", "2").Options!.Processes);
    }

    [Fact]
    public void Load_IniAfterCommandLine_Wins()
    {
        _config.Write("base.ini", "[uwsgi]\n" + App + "processes = 4\n");
        Assert.Equal(4, _config.Load("--processes", "2", "--ini", "base.ini").Options!.Processes);
    }

    [Fact]
    public void Load_EnvironmentIsOverriddenByIniAndFlags()
    {
        _config.Write("base.ini", "[uwsgi]\n" + App + "threads = 3\n");
        var env = new Dictionary<string, string> { ["UWSGI_THREADS"] = "5", ["UWSGI_PROCESSES"] = "6", ["UWSGI_HARAKIRI"] = "7" };
        var options = _config.Load(["base.ini", "--harakiri", "9"], env).Options!;
        Assert.Equal((3, 6, 9), (options.Threads, options.Processes, options.Harakiri));
    }

    [Fact]
    public void Load_EnvironmentNames_AreLowercasedWithDashes()
    {
        var env = new Dictionary<string, string> { ["UWSGI_HTTP_SOCKET"] = "127.0.0.1:18722", ["UWSGI_MODULE"] = "app", ["UWSGI_MAX_REQUESTS"] = "100" };
        var options = _config.Load([], env).Options!;
        Assert.Equal(("http-socket", 18722, 100L), (options.Sockets[0].Option, options.Sockets[0].Port, options.MaxRequests));
    }

    [Fact]
    public void Load_InternalUwsgiEnvironment_IsIgnored()
    {
        var env = new Dictionary<string, string> { ["UWSGI_SOCKET"] = ":1", ["UWSGI_MODULE"] = "app", ["UWSGI_RELOADS"] = "3", ["UWSGI_ORIGINAL_PROC_NAME"] = "x" };
        Assert.Empty(_config.Load([], env).Diagnostics);
    }

    [Fact]
    public void Load_UnknownEnvironmentOption_NamesTheVariable()
    {
        var env = new Dictionary<string, string> { ["UWSGI_SOCKET"] = ":1", ["UWSGI_MODULE"] = "app", ["UWSGI_PROCESES"] = "3" };
        Assert.Equal("environment (UWSGI_PROCESES): error: unknown option 'proceses' (did you mean 'processes'?)", TestConfig.Lines(_config.Load([], env)));
    }

    [Fact]
    public void Load_RepeatedListOptions_AccumulateAcrossSources()
    {
        _config.Write("a.ini", "[uwsgi]\nsocket = :1\nmodule = app\nsocket = /tmp/a.sock\n");
        var options = _config.Load(["--socket", ":3", "a.ini", "--http-socket", ":4"], new() { ["UWSGI_SOCKET"] = ":0" }).Options!;
        Assert.Equal([":0", ":3", ":1", "/tmp/a.sock", ":4"], options.Sockets.Select(s => s.Name));
    }

    [Fact]
    public void Load_Include_IsExpandedInPlace()
    {
        _config.Write("inc.ini", "[uwsgi]\nprocesses = 3\nsocket = :2\n");
        _config.Write("main.ini", "[uwsgi]\nprocesses = 1\nsocket = :1\nini = inc.ini\nsocket = :3\nmodule = app\n");
        var options = _config.Load("main.ini").Options!;
        Assert.Equal(3, options.Processes);
        Assert.Equal([":1", ":2", ":3"], options.Sockets.Select(s => s.Name));
    }

    [Fact]
    public void Load_IncludePath_IsRelativeToTheWorkingDirectory_NotTheIncludingFile()
    {
        _config.Write("sub/inc.ini", "[uwsgi]\nprocesses = 3\n");
        _config.Write("sub/main.ini", "[uwsgi]\n" + App + "ini = sub/inc.ini\n");
        Assert.Equal(3, _config.Load("sub/main.ini").Options!.Processes);
        _config.Write("sub/bad.ini", "[uwsgi]\n" + App + "ini = inc.ini\n");
        Assert.Equal($"sub/bad.ini:4: error: configuration file 'inc.ini' not found (looked for {_config.Dir}/inc.ini; relative paths are relative to the working directory, as in uWSGI)",
            TestConfig.Lines(_config.Load("sub/bad.ini")));
    }

    [Fact]
    public void Load_IncludeWithPercentD_IsRelativeToTheIncludingFile()
    {
        _config.Write("sub/inc.ini", "[uwsgi]\nprocesses = 3\n");
        _config.Write("sub/main.ini", "[uwsgi]\n" + App + "ini = %dinc.ini\nchdir = %D\n");
        var options = _config.Load("sub/main.ini").Options!;
        Assert.Equal((3, _config.Dir + "/sub/"), (options.Processes, options.Chdir));
    }

    [Fact]
    public void Load_IncludeLoop_IsAnError()
    {
        _config.Write("a.ini", "[uwsgi]\n" + App + "ini = b.ini\n");
        _config.Write("b.ini", "[uwsgi]\nini = a.ini\n");
        Assert.Equal("b.ini:2: error: include loop: a.ini -> b.ini -> a.ini", TestConfig.Lines(_config.Load("a.ini")));
    }

    [Fact]
    public void Load_MissingFile_IsAnError()
        => Assert.Equal($"command line: error: configuration file 'nosuch.ini' not found (looked for {_config.Dir}/nosuch.ini; relative paths are relative to the working directory, as in uWSGI)",
            TestConfig.Lines(_config.Load("--ini", "nosuch.ini")));

    [Fact]
    public void Load_FileColonSection_SelectsTheSection()
    {
        _config.Write("app.ini", "[uwsgi]\n" + App + "processes = 1\n[prod]\n" + App + "processes = 8\nchdir = %x\n");
        var options = _config.Load("--ini", "app.ini:prod").Options!;
        Assert.Equal((8, "prod"), (options.Processes, options.Chdir));
    }

    [Fact]
    public void Load_IncludeWithOnlyASection_RereadsTheLastFile()
    {
        _config.Write("app.ini", "[uwsgi]\n" + App + "ini = :extra\n[extra]\nprocesses = 6\n");
        Assert.Equal(6, _config.Load("app.ini").Options!.Processes);
    }

    [Fact]
    public void Load_UwsgiIniEnvironment_LoadsTheFile()
    {
        _config.Write("app.ini", "[uwsgi]\n" + App + "processes = 2\n");
        Assert.Equal(2, _config.Load([], new() { ["UWSGI_INI"] = "app.ini" }).Options!.Processes);
    }

    [Fact]
    public void Load_MissingSection_WarnsAsUwsgi()
    {
        _config.Write("app.ini", "[uwsgi]\n" + App);
        var result = _config.Load("--ini", "app.ini", "--ini", "app.ini:nosuch");
        Assert.True(result.Succeeded);
        Assert.Equal("app.ini: warning: can't find section \"nosuch\" in INI configuration file app.ini", TestConfig.Lines(result));
    }

    [Fact]
    public void Load_ByteOrderMark_IsIgnored()
    {
        byte[] bom = [0xEF, 0xBB, 0xBF];
        byte[] text = System.Text.Encoding.UTF8.GetBytes("[uwsgi]\r\n" + App.Replace("\n", "\r\n"));
        System.IO.File.WriteAllBytes(Path.Combine(_config.Dir, "bom.ini"), bom.Concat(text).ToArray());
        var result = _config.Load("bom.ini");
        Assert.True(result.Succeeded, TestConfig.Lines(result));
        Assert.Equal("app", result.Options!.Module);
    }

    [Fact]
    public void Load_PositionalPythonFile_IsTheWsgiFile()
        => Assert.Equal("run.py", _config.Load("--socket", ":1", "run.py").Options!.WsgiFile);

    [Fact]
    public void Load_PositionalWord_IsAnError()
        => Assert.Equal("command line: error: unable to load configuration from 'serve' (expected an .ini file, a .py/.wsgi file or an option)",
            TestConfig.Lines(_config.Load("--socket", ":1", "--module", "app", "serve")));

    [Fact]
    public void Load_UnknownFlag_SuggestsTheClosestOptions()
        => Assert.Equal("command line: error: unknown option '--procesess' (did you mean '--processes'?)",
            TestConfig.Lines(_config.Load("--socket", ":1", "--module", "app", "--procesess", "3")));

    [Fact]
    public void Load_FlagPrefix_IsNotAcceptedButSuggested()
        => Assert.Equal("command line: error: unknown option '--wsgi-fi' (did you mean '--wsgi-file'?)",
            TestConfig.Lines(_config.Load("--socket", ":1", "--wsgi-fi", "x.py")));

    [Fact]
    public void Load_FlagForms_AllWork()
    {
        var options = _config.Load("-s", ":1", "-w", "app", "-p4", "--threads=3", "--vacuum", "-M", "--lazy-apps=false", "-C").Options!;
        Assert.Equal((4, 3, true, false, Convert.ToInt32("666", 8)), (options.Processes, options.Threads, options.Vacuum, options.LazyApps, options.ChmodSocket!.Value));
    }

    [Theory]
    [InlineData(new[] { "--chmod-socket", "660" }, "660")]
    [InlineData(new[] { "--chmod-socket=600" }, "600")]
    [InlineData(new[] { "--chmod-socket", "--vacuum" }, "666")]
    public void Load_ChmodSocketFlag_TakesAnOptionalMode(string[] flag, string octal)
    {
        var options = _config.Load(["-s", "/tmp/a.sock", "-w", "app", .. flag]).Options!;
        Assert.Equal(Convert.ToInt32(octal, 8), options.ChmodSocket);
    }

    [Fact]
    public void Load_FlagWithoutItsValue_IsAnError()
        => Assert.Equal("command line: error: option '--processes' needs a value",
            TestConfig.Lines(_config.Load("--socket", ":1", "--module", "app", "--processes")));

    [Fact]
    public void Load_BooleanFlag_DoesNotConsumeTheNextArgument()
    {
        _config.Write("app.ini", "[uwsgi]\n" + App);
        var options = _config.Load("--vacuum", "app.ini").Options!;
        Assert.Equal((true, "app"), (options.Vacuum, options.Module));
    }

    [Fact]
    public void Load_ConfigFile_IsTheFirstIniLoaded()
    {
        _config.Write("a.ini", "[uwsgi]\n" + App);
        _config.Write("b.ini", "[uwsgi]\n");
        Assert.Equal(Path.Combine(_config.Dir, "a.ini"), _config.Load("a.ini", "b.ini").Options!.ConfigFile);
    }
}
