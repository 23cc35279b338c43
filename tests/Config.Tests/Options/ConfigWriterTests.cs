using DotnetWsgi.Config.Options;
using DotnetWsgi.Config.Tests.Support;

namespace DotnetWsgi.Config.Tests.Options;

public sealed class ConfigWriterTests : IDisposable
{
    private readonly TestConfig _config = new();

    public void Dispose() => _config.Dispose();

    private void AssertRoundTrip(ServerOptions options)
    {
        _config.Write("printed.ini", ConfigWriter.ToIni(options));
        var reread = _config.Load("printed.ini");
        Assert.True(reread.Succeeded, TestConfig.Lines(reread));
        Assert.Equal(ServerOptionsJson.Serialize(options with { ConfigFile = null }), ServerOptionsJson.Serialize(reread.Options! with { ConfigFile = null }));
    }

    [Fact]
    public void ToIni_RereadsToEqualOptions_ForAFullConfiguration()
    {
        _config.Write("full.ini", """
            [uwsgi]
            socket = /tmp/app.sock
            http-socket = 127.0.0.1:8080
            socket = [::]:3031
            http = :5000
            chmod-socket = 660
            processes = 3
            threads = 4
            harakiri = 30
            max-requests = 1000
            max-worker-lifetime = 3600
            buffer-size = 32768
            limit-post = 104857600
            module = app:application
            callable = app
            mount = /api=api:app
            env = A=b=c
            env = PCT=100%
            pythonpath = /srv/a
            pythonpath = /srv/b
            static-map = /static=/srv/static
            master-fifo = /tmp/fifo
            touch-reload = /tmp/reload
            log-format = %(addr) %(method) %(uri) %(status)
            vacuum = true
            need-app = false
            """);
        var result = _config.Load("full.ini");
        Assert.True(result.Succeeded, TestConfig.Lines(result));
        AssertRoundTrip(result.Options!);
    }

    [Fact]
    public void ToIni_RereadsToEqualOptions_ForDefaultsPlusASocket()
        => AssertRoundTrip(new ServerOptions { Sockets = [new SocketSpec("socket", ":1", SocketProtocol.Uwsgi, SocketFamily.Tcp, "", 1, null)], Module = "app" });

    [Fact]
    public void ToIni_WritesEveryImplementedScalar_AndNoUnsetPath()
    {
        string ini = ConfigWriter.ToIni(new ServerOptions());
        Assert.Contains("\nlisten = 1024\n", ini);
        Assert.Contains("\nmaster = true\n", ini);
        Assert.DoesNotContain("pidfile", ini);
        Assert.StartsWith("; dotnetwsgi effective configuration\n[uwsgi]\n", ini);
    }

    [Fact]
    public void ToIni_EscapesPercent()
        => Assert.Contains("\nlog-format = 100%% %%(status)\n", ConfigWriter.ToIni(new ServerOptions { LogFormat = "100% %(status)" }));
}
