using DotnetWsgi.Config;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Cli;

namespace DotnetWsgi.Manager.Tests.Cli;

// Parse-only paths run in-process; the master is a recording fake (a real master is never started here).
public sealed class CommandLineAppTests : IDisposable
{
    private const string App = "[uwsgi]\nsocket = 127.0.0.1:0\nmodule = app\n";
    private readonly string _dir = Directory.CreateTempSubdirectory("clitest-").FullName;
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();
    private ServerOptions? _masterOptions;
    private Func<ConfigResult>? _masterReload;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_dir, name), text);

    private int Run(params string[] args) => CommandLineApp.Run(args, _out, _err, new Dictionary<string, string>(), _dir, (options, reload) =>
    {
        _masterOptions = options;
        _masterReload = reload;
        return 7;
    });

    [Fact]
    public void Version_PrintsNameAndVersion()
    {
        Assert.Equal(0, Run("--version"));
        Assert.Matches(@"^dotnetwsgi \d+\.\d+\.\d+\n$", _out.ToString());
    }

    [Fact]
    public void Help_MatchesTheSnapshot()
    {
        Assert.Equal(0, Run("--help"));
        string expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cli", "HelpText.verified.txt"));
        if (expected != _out.ToString())
            File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "HelpText.actual.txt"), _out.ToString());
        Assert.Equal(expected, _out.ToString());
    }

    [Fact]
    public void Help_ListsEveryImplementedOption()
    {
        Run("-h");
        foreach (var row in OptionCatalogue.Rows.Where(r => r.Status == OptionStatus.Implemented))
            Assert.Contains("--" + row.Name + " ", _out.ToString());
    }

    [Fact]
    public void Run_ValidConfig_StartsTheMasterAndReturnsItsExitCode()
    {
        Write("app.ini", App + "processes = 3 # three\n");
        Assert.Equal(7, Run("app.ini"));
        Assert.Equal(3, _masterOptions!.Processes);
        Assert.Equal("app.ini:4: warning: stripped an inline comment from 'processes'; uWSGI would keep the comment as part of the value\n", _err.ToString());
    }

    [Fact]
    public void Run_ReloadFunction_RereadsTheOriginalSources()
    {
        Write("app.ini", App + "processes = 3\n");
        Run("--ini", "app.ini", "--threads", "2");
        Write("app.ini", App + "processes = 5\n");
        var reloaded = _masterReload!();
        Assert.Equal((5, 2), (reloaded.Options!.Processes, reloaded.Options.Threads));
    }

    [Theory]
    [InlineData(new[] { "--processes", "2", "--ini", "app.ini" }, 4)]
    [InlineData(new[] { "--ini", "app.ini", "--processes", "2" }, 2)]
    [InlineData(new[] { "-p", "2", "app.ini" }, 4)]
    [InlineData(new[] { "app.ini", "--processes=2" }, 2)]
    public void Run_AppliesTokensInCommandLineOrder(string[] args, int processes)
    {
        Write("app.ini", App + "processes = 4\n");
        Run(args);
        Assert.Equal(processes, _masterOptions!.Processes);
    }

    [Fact]
    public void Run_InvalidConfig_ExitsOneWithoutStartingTheMaster()
    {
        Write("app.ini", App + "processes = many\n");
        Assert.Equal(1, Run("app.ini"));
        Assert.Null(_masterOptions);
        Assert.Equal("app.ini:4: error: invalid value 'many' for 'processes': expected a whole number\n", _err.ToString());
    }

    [Fact]
    public void UnknownFlag_IsOneLineWithDidYouMean()
    {
        Write("app.ini", App);
        Assert.Equal(1, Run("--ini", "app.ini", "--thread", "2"));
        Assert.Equal("command line: error: unknown option '--thread' (did you mean '--threads'?)\n", _err.ToString());
    }

    [Fact]
    public void ControlFlagWithoutItsValue_IsAUsageError()
    {
        Assert.Equal(1, Run("--reload"));
        Assert.Equal("dotnetwsgi: Required argument missing for option: '--reload' (see dotnetwsgi --help)\n", _err.ToString());
    }

    [Fact]
    public void CheckConfig_Valid_ExitsZero_WithWarningsOnStderr()
    {
        Write("app.ini", App + "max-fd = 2\n");
        Assert.Equal(0, Run("--check-config", "--ini", "app.ini"));
        Assert.Equal("configuration is valid\n", _out.ToString());
        Assert.StartsWith("app.ini:4: warning: option 'max-fd' is accepted but has no effect", _err.ToString());
        Assert.Null(_masterOptions);
    }

    [Fact]
    public void CheckConfig_Invalid_ExitsOne_ListingEveryProblem()
    {
        Write("app.ini", App + "processes = many\nvacuum = banana\nprocesess = 2\n");
        Assert.Equal(1, Run("app.ini", "--check-config"));
        Assert.Equal("""
            app.ini:4: error: invalid value 'many' for 'processes': expected a whole number
            app.ini:5: error: invalid value 'banana' for 'vacuum': expected true/false/yes/no/on/off/1/0
            app.ini:6: error: unknown option 'procesess' (did you mean 'processes'?)

            """, _err.ToString());
        Assert.Equal("", _out.ToString());
    }

    [Fact]
    public void PrintConfig_RereadsToTheSameOptions()
    {
        Write("app.ini", App + "processes = 3\nenv = A=1\nhttp-socket = /tmp/x.sock\n");
        Assert.Equal(0, Run("app.ini", "--threads", "4", "--print-config"));
        Write("printed.ini", _out.ToString());
        var original = ConfigLoader.Load(["app.ini", "--threads", "4"], new Dictionary<string, string>(), _dir).Options!;
        var reread = ConfigLoader.Load(["printed.ini"], new Dictionary<string, string>(), _dir).Options!;
        Assert.Equal(ServerOptionsJson.Serialize(original with { ConfigFile = null }), ServerOptionsJson.Serialize(reread with { ConfigFile = null }));
    }

    [Fact]
    public void ResponseFileSyntax_IsNotExpanded()
    {
        Write("args.rsp", "--processes 9\n");
        Assert.Equal(1, Run("--socket", ":1", "--module", "app", "@args.rsp"));
        Assert.Contains("unable to load configuration from '@args.rsp'", _err.ToString());
    }

    [Fact]
    public void Get_PrintsValuesAndExitsWithoutTheMaster()
    {
        Write("app.ini", "[uwsgi]\nsocket = /run/app.sock\n");
        Assert.Equal(0, Run("app.ini", "--get", "socket"));
        Assert.Equal("/run/app.sock\n", _out.ToString());
        Assert.Null(_masterOptions);
    }

    [Fact]
    public void NoArguments_SaysWhatToGive()
    {
        Assert.Equal(1, Run());
        Assert.Equal("dotnetwsgi: nothing to serve: give an ini file or options, e.g. dotnetwsgi --ini app.ini (see dotnetwsgi --help)\n", _err.ToString());
    }

    [Fact]
    public void Get_ReadsACustomPlaceholder()
    {
        Write("app.ini", "[uwsgi]\nbase = /srv/app\n");
        Assert.Equal(0, Run("app.ini", "--get", "base"));
        Assert.Equal("/srv/app\n", _out.ToString());
    }
}
