using DotnetWsgi.Manager.Cli;

namespace DotnetWsgi.Manager.Tests.Cli;

// `--check-config` with custom keys (keys uWSGI would store, not close to any option): valid, with a
// notice per key and a summary line naming them; a typo close to an option is still an error.
public sealed class CheckConfigCustomOptionsTests : IDisposable
{
    private const string App = "[uwsgi]\nsocket = 127.0.0.1:0\nmodule = app\n";
    private readonly string _dir = Directory.CreateTempSubdirectory("clitest-").FullName;
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private int Run(params string[] args)
        => CommandLineApp.Run(args, _out, _err, new Dictionary<string, string>(), _dir, (_, _) => throw new InvalidOperationException("no master in this test"));

    [Fact]
    public void CustomKeys_AreValid_AndListed()
    {
        File.WriteAllText(Path.Combine(_dir, "app.ini"), App + "acc-custom = hello\nzzqq-team = web\n");
        Assert.Equal(0, Run("--check-config", "app.ini"));
        Assert.Equal("configuration is valid\ncustom options (not uWSGI options; kept for uwsgi.opt and %(key)): acc-custom, zzqq-team\n", _out.ToString());
        Assert.Contains("app.ini:4: notice: 'acc-custom' is not a uWSGI option", _err.ToString());
    }

    [Fact]
    public void TypoCloseToAnOption_FailsTheCheck()
    {
        File.WriteAllText(Path.Combine(_dir, "app.ini"), App + "harakri = 30\n");
        Assert.Equal(1, Run("--check-config", "app.ini"));
        Assert.Equal("app.ini:4: error: unknown option 'harakri' (did you mean 'harakiri'?)\n", _err.ToString());
    }
}
