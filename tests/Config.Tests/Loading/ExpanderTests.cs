using DotnetWsgi.Config.Tests.Support;

namespace DotnetWsgi.Config.Tests.Loading;

// $(ENV), @(file), %(option) and placeholders, through ConfigLoader.
public sealed class ExpanderTests : IDisposable
{
    private const string App = "[uwsgi]\nsocket = :9000\nmodule = app\n";
    private readonly TestConfig _config = new();

    public void Dispose() => _config.Dispose();

    private ConfigResult Load(string ini, Dictionary<string, string>? env = null)
    {
        _config.Write("t.ini", ini);
        return _config.Load(["t.ini"], env ?? []);
    }

    [Fact]
    public void Environment_SetVariable_IsSubstituted_UnsetIsLeftLiterally()
    {
        var options = Load(App + "chdir = $(APPDIR)/x\npidfile = $(NOPE)/p\n", new() { ["APPDIR"] = "/srv" }).Options!;
        Assert.Equal(("/srv/x", "$(NOPE)/p"), (options.Chdir, options.Pidfile));
    }

    [Fact]
    public void FileReference_IsTheFileWithoutItsTrailingNewline()
    {
        _config.Write("addr.txt", "127.0.0.1:8123\n");
        Assert.Equal(8123, Load(App.Replace(":9000", "@(addr.txt)")).Options!.Sockets[0].Port);
    }

    [Fact]
    public void FileReference_Missing_IsAnError()
        => Assert.StartsWith("t.ini:4: error: cannot read @(nosuch.txt) in 'chdir': ", TestConfig.Lines(Load(App + "chdir = @(nosuch.txt)\n")));

    [Fact]
    public void OptionReference_TakesTheFirstOccurrence_IncludingForwardReferences()
    {
        var options = Load(App + "chdir = %(b)-suffix\nb = first\nb = second\n").Options!;
        Assert.Equal("first-suffix", options.Chdir);
    }

    [Fact]
    public void OptionReference_ReadsRealOptions()
        => Assert.Equal("/srv/4", Load(App + "processes = 4\nchdir = /srv/%(processes)\n").Options!.Chdir);

    [Fact]
    public void OptionReference_Undefined_IsLeftLiterally()
        => Assert.Equal("%(missing)", Load(App + "log-format = %(missing)\n").Options!.LogFormat);

    [Fact]
    public void OptionReference_Chains_Resolve()
    {
        var options = Load(App + "chdir = x-%(b)\nb = y-%(c)\nc = z-$(HOME)\n", new() { ["HOME"] = "/root" }).Options!;
        Assert.Equal("x-y-z-/root", options.Chdir);
    }

    [Fact]
    public void OptionReference_Loop_IsAnError()
        => Assert.Contains("error: placeholder loop while expanding", TestConfig.Lines(Load(App + "chdir = %(a)\na = %(b)\nb = %(a)\n")));

    [Fact]
    public void SetPlaceholder_DefinesANameButNoOption()
    {
        var result = Load(App + "set-placeholder = base=/srv/app\nset-ph = tag=v2\nchdir = %(base)/%(tag)\n");
        Assert.Empty(result.Diagnostics);
        Assert.Equal("/srv/app/v2", result.Options!.Chdir);
    }

    [Fact]
    public void Set_SetsAnOptionOrAPlaceholder()
    {
        var options = Load(App + "set = processes=6\nset = root=/x\nchdir = %(root)/%(processes)\n").Options!;
        Assert.Equal((6, "/x/6"), (options.Processes, options.Chdir));
    }

    [Fact]
    public void OptionReference_Concatenates_AndDoesArithmetic()
    {
        var options = Load(App + "processes = 4\nthreads = %(processes * 2)\na = x\nb = y\nchdir = %(a b)\n").Options!;
        Assert.Equal((8, "xy"), (options.Threads, options.Chdir));
    }

    [Fact]
    public void UnknownKey_UsedOnlyAsAPlaceholder_IsNotAnError_ButUnusedIsATypo()
    {
        Assert.Empty(Load(App + "base = /srv\nchdir = %(base)\n").Diagnostics);
        Assert.Equal("t.ini:4: error: unknown option 'procesess' (did you mean 'processes'?)", TestConfig.Lines(Load(App + "procesess = 4\n")));
    }

    [Fact]
    public void MagicVariables_ApplyToFileText()
    {
        var options = Load(App + "chdir = %d\npidfile = %n.pid\n").Options!;
        Assert.Equal((_config.Dir + "/", "t.pid"), (options.Chdir, options.Pidfile));
    }

    [Fact]
    public void Get_AnswersTheFirstValue_AndSkipsWholeConfigurationChecks()
    {
        // Checked against uWSGI 2.0.21: prints 3, (nothing), 3, 7.
        _config.Write("t.ini", "[uwsgi]\nprocesses = %(n)\nn = 3\nprocesses = 5\nini = :extra\n[extra]\nthreads = 7\n");
        var result = _config.Load("t.ini", "--get", "processes", "--get", "nosuch", "--get", "n", "--get", "threads");
        Assert.True(result.Succeeded, TestConfig.Lines(result));
        Assert.Equal(["3", "3", "7"], result.RequestedValues);
    }
}
