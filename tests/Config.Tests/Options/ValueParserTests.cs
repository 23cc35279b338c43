using DotnetWsgi.Config.Options;
using DotnetWsgi.Config.Tests.Support;

namespace DotnetWsgi.Config.Tests.Options;

// Typed values and their exact error messages, through a file so locations are checked too.
public sealed class ValueParserTests : IDisposable
{
    private readonly TestConfig _config = new();

    public void Dispose() => _config.Dispose();

    private ConfigResult Load(string lines) => _config.LoadApp(lines);

    [Theory]
    [InlineData("true", true)] [InlineData("YES", true)] [InlineData("on", true)] [InlineData("1", true)] [InlineData("", true)]
    [InlineData("false", false)] [InlineData("No", false)] [InlineData("OFF", false)] [InlineData("0", false)]
    public void Flag_AcceptsTheStrictWords(string value, bool expected)
        => Assert.Equal(expected, Load($"vacuum = {value}\n").Options!.Vacuum);

    [Fact]
    public void Flag_KeyAlone_IsTrue()
        => Assert.True(Load("vacuum\n").Options!.Vacuum);

    [Fact]
    public void Flag_OtherWord_IsAnError()
        => Assert.Equal("t.ini:4: error: invalid value 'banana' for 'thunder-lock': expected true/false/yes/no/on/off/1/0", TestConfig.Lines(Load("thunder-lock = banana\n")));

    [Fact]
    public void Int_NotANumber_IsAnError()
        => Assert.Equal("t.ini:4: error: invalid value 'many' for 'processes': expected a whole number", TestConfig.Lines(Load("processes = many\n")));

    [Fact]
    public void Int_TrailingUnit_IsAnError()
        => Assert.Equal("t.ini:4: error: invalid value '30s' for 'harakiri': expected a whole number", TestConfig.Lines(Load("harakiri = 30s\n")));

    [Fact]
    public void Int_Negative_IsAnError()
        => Assert.Equal("t.ini:4: error: invalid value '-1' for 'harakiri': must be 0 or more", TestConfig.Lines(Load("harakiri = -1\n")));

    [Fact]
    public void Int_TooLarge_IsAnError()
        => Assert.Equal("t.ini:4: error: invalid value '9999999999' for 'listen': must be at most 2147483647", TestConfig.Lines(Load("listen = 9999999999\n")));

    [Fact]
    public void Long_And_Megabytes_KeepTheirUnits()
    {
        var options = Load("max-requests = 5000000000\nreload-on-rss = 256\nlimit-post = 104857600\n").Options!;
        Assert.Equal((5000000000L, 256L, 104857600L), (options.MaxRequests, options.ReloadOnRss, options.LimitPost));
    }

    [Theory]
    [InlineData("100000", 65535)]
    [InlineData("32768", 32768)]
    public void BufferSize_IsClampedTo65535(string value, int expected)
        => Assert.Equal(expected, Load($"buffer-size = {value}\n").Options!.BufferSize);

    [Theory]
    [InlineData("chmod-socket", "666")]
    [InlineData("chmod-socket = 1", "666")]
    [InlineData("chmod-socket = 660", "660")]
    [InlineData("chmod-socket = 600", "600")]
    public void ChmodSocket_EmptyOrOneIs666_ElseThreeOctalDigits(string line, string octal)
        => Assert.Equal(Convert.ToInt32(octal, 8), Load(line + "\nsocket = /tmp/x.sock\n").Options!.ChmodSocket);

    [Theory]
    [InlineData("99")]
    [InlineData("0660")]
    [InlineData("rw")]
    public void ChmodSocket_Other_IsAnError(string value)
        => Assert.Equal($"t.ini:4: error: invalid value '{value}' for 'chmod-socket': expected three octal digits such as 660 (or no value for 666)",
            TestConfig.Lines(Load($"chmod-socket = {value}\n")));

    [Theory]
    [InlineData(":8080", "", 8080)]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080)]
    [InlineData("[::]:8080", "::", 8080)]
    [InlineData("[::1]:0", "::1", 0)]
    [InlineData("localhost:8080", "localhost", 8080)]
    [InlineData("0.0.0.0:5001", "0.0.0.0", 5001)]
    public void Socket_Tcp(string value, string host, int port)
    {
        var socket = Load($"http-socket = {value}\n").Options!.Sockets[1];
        Assert.Equal(new SocketSpec("http-socket", value, SocketProtocol.Http, SocketFamily.Tcp, host, port, null), socket);
    }

    [Fact]
    public void Socket_Unix_AndProtocolPerOption()
    {
        var sockets = Load("uwsgi-socket = /tmp/a.sock\nhttp11-socket = run/b.sock\nhttp = :5000\n").Options!.Sockets;
        Assert.Equal(new SocketSpec("socket", "/tmp/a.sock", SocketProtocol.Uwsgi, SocketFamily.Unix, null, 0, "/tmp/a.sock"), sockets[1]);
        Assert.Equal((SocketProtocol.Http, SocketFamily.Unix, "run/b.sock"), (sockets[2].Protocol, sockets[2].Family, sockets[2].Path));
        Assert.Equal((SocketProtocol.Http, "http"), (sockets[3].Protocol, sockets[3].Option));
    }

    [Fact]
    public void Socket_Empty_IsAnError()
        => Assert.Equal("t.ini:4: error: 'socket' needs an address (host:port or a unix socket path)", TestConfig.Lines(Load("socket =\n")));

    [Theory]
    [InlineData(":http", "invalid value ':http' for 'socket': expected host:port with a port from 0 to 65535, or a unix socket path")]
    [InlineData(":70000", "invalid value ':70000' for 'socket': expected host:port with a port from 0 to 65535, or a unix socket path")]
    [InlineData("=0", "invalid value '=0' for 'socket': shared socket references (=N) are not supported")]
    [InlineData("@abstract", "invalid value '@abstract' for 'socket': abstract unix sockets (@name) are not supported")]
    public void Socket_Malformed_IsAnError(string value, string message)
        => Assert.Equal("t.ini:4: error: " + message, TestConfig.Lines(Load($"socket = {value}\n")));

    [Fact]
    public void Mount_Env_StaticMap_SplitOnTheFirstEquals()
    {
        var options = Load("mount = /app=myapp:app\nenv = DJANGO_SETTINGS_MODULE=site.settings\nenv = A=b=c\nstatic-map = /static=/srv/static\n").Options!;
        Assert.Equal(new MountSpec("/app", "myapp:app"), options.Mounts[0]);
        Assert.Equal([new EnvSetting("DJANGO_SETTINGS_MODULE", "site.settings"), new EnvSetting("A", "b=c")], options.Env);
        Assert.Equal(new StaticMap("/static", "/srv/static"), options.StaticMaps[0]);
    }

    [Fact]
    public void Env_WithoutEquals_IsAnError()
        => Assert.Equal("t.ini:4: error: invalid value 'JUSTKEY' for 'env': expected KEY=VALUE", TestConfig.Lines(Load("env = JUSTKEY\n")));

    [Fact]
    public void Name_WithSpaces_IsAnError()
        => Assert.Equal("t.ini:4: error: invalid value 'my app' for 'callable': expected a name without spaces", TestConfig.Lines(Load("callable = my app\n")));

    [Fact]
    public void Path_Empty_IsAnError()
        => Assert.Equal("t.ini:4: error: 'chdir' needs a value: expected a path", TestConfig.Lines(Load("chdir =\n")));

    [Fact]
    public void StatsAddress_IsCheckedLikeASocket()
    {
        Assert.Equal("127.0.0.1:9191", Load("stats = 127.0.0.1:9191\n").Options!.Stats);
        Assert.Equal("/run/stats.sock", Load("stats = /run/stats.sock\n").Options!.Stats);
        Assert.Equal("t.ini:4: error: invalid value ':stats' for 'stats': expected host:port with a port from 0 to 65535, or a unix socket path",
            TestConfig.Lines(Load("stats = :stats\n")));
        Assert.Equal("t.ini:4: error: 'admin-http' needs an address (host:port or a unix socket path)", TestConfig.Lines(Load("admin-http =\n")));
    }
}
