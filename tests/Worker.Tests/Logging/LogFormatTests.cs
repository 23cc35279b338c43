using System.Text;
using System.Text.Json;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Logging;

namespace DotnetWsgi.Worker.Tests.Logging;

public sealed class LogFormatTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 1, 32, 12, 345, TimeSpan.Zero);

    private static (RequestLogEntry Entry, RequestVars Vars) Request()
    {
        var vars = new RequestVars();
        vars.Add("REQUEST_METHOD", "GET");
        vars.Add("REQUEST_URI", "/static/a.txt");
        vars.Add("HTTP_HOST", "127.0.0.1:18762");
        vars.Add("HTTP_USER_AGENT", "curl/7.88.1");
        vars.Add("HTTP_X_QUOTE", "a\"b\\c\n");
        var e = new RequestLogEntry
        {
            Pid = 19859, WorkerId = 1, Core = 0, AppId = 0, RemoteAddr = "127.0.0.1", Method = "GET", Uri = "/static/a.txt",
            Protocol = "HTTP/1.1", Status = 200, BodyBytes = 123, HeadBytes = 45, Headers = 1, DurationMicros = 1234,
            Start = Start, VarEntries = 10, VarsBytes = 200, Switches = 1,
        };
        return (e, vars);
    }

    private static string Format(string format)
    {
        var (e, vars) = Request();
        var sb = new StringBuilder();
        LogFormat.Compile(format).Append(sb, e, vars);
        return sb.ToString();
    }

    [Fact]
    public void Append_RendersTheReferenceExample()
    {
        var line = Format("%(addr) - %(user) [%(time)] \"%(method) %(uri) %(proto)\" %(status) %(size) \"%(referer)\" \"%(uagent)\" %(msecs)ms pid=%(pid) wid=%(wid) core=%(core) var=%(var.HTTP_HOST) unknown=%(nosuch)");
        Assert.Equal($"127.0.0.1 - - [{Start.ToUnixTimeSeconds()}] \"GET /static/a.txt HTTP/1.1\" 200 168 \"-\" \"curl/7.88.1\" 1ms pid=19859 wid=1 core=0 var=127.0.0.1:18762 unknown=-", line);
    }

    [Theory]
    [InlineData("%(rsize)/%(hsize)/%(size)/%(headers)", "123/45/168/1")]
    [InlineData("%(micros) %(msecs) %(secs)", "1234 1 0.001234")]
    [InlineData("%(tmsecs)", "1795311132345")]
    [InlineData("%(vars) %(pktsize) %(switches) %(modifier1) %(modifier2)", "10 200 1 0 0")]
    [InlineData("%(cl) %(var.NOPE) %(var.)", "- - -")]
    [InlineData("100% %(abc", "100% %(abc")]
    [InlineData("no tokens", "no tokens")]
    public void Append_RendersTokensAsUwsgi(string format, string expected) => Assert.Equal(expected, Format(format));

    [Fact]
    public void JsonRequestLog_WritesTypedEscapedFields()
    {
        var (e, vars) = Request();
        e.Uri = "/q?a=\"x\"\n";
        using var doc = JsonDocument.Parse(new JsonRequestLog().Format(e, vars));
        var root = doc.RootElement;
        Assert.Equal(200, root.GetProperty("status").GetInt32());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("micros").ValueKind);
        Assert.Equal("/q?a=\"x\"\n", root.GetProperty("uri").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("user").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("referer").ValueKind);
        Assert.Equal("curl/7.88.1", root.GetProperty("uagent").GetString());
        Assert.Equal(Start, root.GetProperty("time").GetDateTimeOffset());
    }

    [Fact]
    public void RequestLogFormatter_UsesLogFormat_AndJsonWinsWhenBothAreSet()
    {
        var (e, vars) = Request();
        e.Vars = vars;
        Assert.Equal("GET 200 127.0.0.1:18762", new RequestLogFormatter(new ServerOptions { LogFormat = "%(method) %(status) %(host)" }).Format(e));
        var json = new RequestLogFormatter(new ServerOptions { LogFormat = "%(method)", LogFormatJson = true }).Format(e);
        Assert.Equal("/static/a.txt", JsonDocument.Parse(json).RootElement.GetProperty("uri").GetString());
        Assert.StartsWith("[pid: 19859|app: 0|req: ", new RequestLogFormatter(new ServerOptions()).Format(e));
    }
}
