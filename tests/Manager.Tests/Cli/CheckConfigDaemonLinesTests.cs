using DotnetWsgi.Manager.Cli;

namespace DotnetWsgi.Manager.Tests.Cli;

// `--check-config` reports a bad attach-daemon line at its file:line (the same message the master's
// start would give), and accepts good ones of every form.
public sealed class CheckConfigDaemonLinesTests : IDisposable
{
    private const string App = "[uwsgi]\nsocket = 127.0.0.1:0\nmodule = app\n";
    private readonly string _dir = Directory.CreateTempSubdirectory("clitest-").FullName;
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private int Check(string lines)
    {
        File.WriteAllText(Path.Combine(_dir, "app.ini"), App + lines);
        return CommandLineApp.Run(["--check-config", "app.ini"], _out, _err, new Dictionary<string, string>(), _dir,
            (_, _) => throw new InvalidOperationException("no master in this test"));
    }

    [Theory]
    [InlineData("attach-daemon2 = cmd=sleep 60,colour=red",
        "app.ini:5: error: attach-daemon2 = cmd=sleep 60,colour=red: unknown key 'colour' (known: cmd, pidfile, control, daemonize, touch, stopsignal, reloadsignal, chdir)")]
    [InlineData("attach-daemon2 = pidfile=/tmp/x.pid", "app.ini:5: error: attach-daemon2 = pidfile=/tmp/x.pid: cmd= is required")]
    [InlineData("smart-attach-daemon2 = cmd=sleep 60", "app.ini:5: error: smart-attach-daemon2 = cmd=sleep 60: pidfile= is required")]
    [InlineData("attach-daemon2 = cmd=sleep 60,stopsignal=TERM", "app.ini:5: error: attach-daemon2 = cmd=sleep 60,stopsignal=TERM: stopsignal=TERM is not a signal number (1-64)")]
    [InlineData("smart-attach-daemon = /tmp/only-a-pidfile", "app.ini:5: error: smart-attach-daemon = /tmp/only-a-pidfile: expected `PIDFILE COMMAND`")]
    public void BadDaemonLine_FailsTheCheck_AtItsLine(string line, string expected)
    {
        Assert.Equal(1, Check("need-app = false\n" + line + "\n"));
        Assert.Equal(expected + "\n", _err.ToString());
    }

    [Fact]
    public void GoodDaemonLines_OfEveryForm_AreValid()
    {
        Assert.Equal(0, Check("attach-daemon = sleep 60\nsmart-attach-daemon = /tmp/d.pid mydaemon --fork\n"
            + "attach-daemon2 = cmd=sleep 60,touch=/tmp/t,stopsignal=2\nsmart-attach-daemon2 = pidfile=/tmp/e.pid,cmd=sleep 60,daemonize=1\n"));
        Assert.Equal("configuration is valid\n", _out.ToString());
    }
}
