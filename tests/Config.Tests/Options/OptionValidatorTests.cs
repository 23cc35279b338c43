using DotnetWsgi.Config.Tests.Support;

namespace DotnetWsgi.Config.Tests.Options;

public sealed class OptionValidatorTests : IDisposable
{
    private readonly TestConfig _config = new();

    public void Dispose() => _config.Dispose();

    private ConfigResult Load(string ini)
    {
        _config.Write("t.ini", "[uwsgi]\n" + ini);
        return _config.Load("t.ini");
    }

    [Fact]
    public void NoSocket_IsAnError()
        => Assert.Equal("error: no socket configured (socket, http-socket or http)", TestConfig.Lines(Load("module = app\n")));

    [Fact]
    public void NoApp_IsAnError_WhileNeedAppIsOn()
        => Assert.Equal("error: no app configured (module, wsgi-file or mount) while need-app is on; set need-app = false to start without one",
            TestConfig.Lines(Load("socket = :1\n")));

    [Fact]
    public void NoApp_IsAccepted_WithoutNeedApp()
        => Assert.True(Load("socket = :1\nneed-app = false\n").Succeeded);

    [Theory]
    [InlineData("module = app")]
    [InlineData("wsgi-file = run.py")]
    [InlineData("mount = /a=app:app")]
    public void AnyAppSource_SatisfiesNeedApp(string line)
        => Assert.True(Load("socket = :1\n" + line + "\n").Succeeded);

    [Fact]
    public void MaxWorkerLifetime_MustExceedMinWorkerLifetime()
    {
        Assert.Equal("error: invalid min-worker-lifetime value (10), must be lower than max-worker-lifetime (5)",
            TestConfig.Lines(Load("socket = :1\nmodule = app\nmax-worker-lifetime = 5\n")));
        Assert.True(Load("socket = :1\nmodule = app\nmax-worker-lifetime = 5\nmin-worker-lifetime = 2\n").Succeeded);
    }

    [Fact]
    public void ZeroProcesses_IsAnError()
        => Assert.Equal("error: invalid value '0' for 'processes': must be at least 1", TestConfig.Lines(Load("socket = :1\nmodule = app\nprocesses = 0\n")));

    [Fact]
    public void ChmodSocket_WithOnlyTcpSockets_Warns()
    {
        var result = Load("socket = :1\nmodule = app\nchmod-socket = 660\n");
        Assert.True(result.Succeeded);
        Assert.Equal("warning: chmod-socket has no effect: no unix socket is configured", TestConfig.Lines(result));
    }

    [Fact]
    public void FailedLoad_HasNoOptions()
    {
        var result = Load("socket = :1\nmodule = app\nprocesses = many\n");
        Assert.False(result.Succeeded);
        Assert.Null(result.Options);
    }
}
