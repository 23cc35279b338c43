using System.Diagnostics;
using DotnetWsgi.Manager.Control;
using DotnetWsgi.Manager.Tests.Support;

namespace DotnetWsgi.Manager.Tests.Control;

public class ControlCommandsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dnw-control-").FullName;
    private readonly StringWriter _error = new();

    private string Pidfile(string content)
    {
        string path = Path.Combine(_dir, "app.pid");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Stop_FailsNamingTheFile_WhenPidfileIsMissing()
    {
        string path = Path.Combine(_dir, "missing.pid");
        Assert.Equal(1, ControlCommands.Stop(path, _error));
        Assert.Equal($"dotnetwsgi --stop: pidfile {path} does not exist", _error.ToString().TrimEnd());
    }

    [Fact]
    public void Reload_Fails_WhenPidfileIsEmpty()
    {
        string path = Pidfile("\n");
        Assert.Equal(1, ControlCommands.Reload(path, _error));
        Assert.Equal($"dotnetwsgi --reload: pidfile {path} is empty", _error.ToString().TrimEnd());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("12 34")]
    public void Stop_Fails_WhenPidfileDoesNotHoldAPid(string content)
    {
        string path = Pidfile(content);
        Assert.Equal(1, ControlCommands.Stop(path, _error));
        Assert.Contains($"pidfile {path} does not hold a process id", _error.ToString());
        Assert.Single(_error.ToString().TrimEnd().Split('\n'));
    }

    [Fact]
    public void Stop_Fails_WhenPidfileIsStale()
    {
        using var gone = Process.Start("/bin/true")!;
        gone.WaitForExit();
        string path = Pidfile($"{gone.Id}\n");
        Assert.Equal(1, ControlCommands.Stop(path, _error));
        Assert.Equal($"dotnetwsgi --stop: pidfile {path} is stale: no process {gone.Id} is running", _error.ToString().TrimEnd());
    }

    [Theory]
    [InlineData("stop", 15)]
    [InlineData("reload", 1)]
    public void Command_SignalsThePidInThePidfile(string command, int signal)
    {
        using var sleeper = Process.Start("/bin/sleep", "60")!;
        try
        {
            string path = Pidfile($"{sleeper.Id}\n");
            int rc = command == "stop" ? ControlCommands.Stop(path, _error) : ControlCommands.Reload(path, _error);
            Assert.Equal(0, rc);
            Assert.True(sleeper.WaitForExit(30_000));
            Assert.Equal(128 + signal, sleeper.ExitCode);
            Assert.Equal("", _error.ToString());
        }
        finally { if (!sleeper.HasExited) sleeper.Kill(); }
    }

    public void Dispose() => Directory.Delete(_dir, true);
}
