using System.Text.RegularExpressions;

namespace DotnetWsgi.Worker.Tests.Serving;

public sealed class RequestLogServingTests
{
    [Fact]
    public void RequestLine_IsLoggedAfterEachRequest_InUwsgisShape()
    {
        using var f = new ServingFixture(Apps.Pieces("hello"));
        using var c = f.Connect();
        c.Send("GET /logged?x=1 HTTP/1.1\r\nHost: h\r\n\r\n");
        var reply = c.ReadResponse();

        Wait.Until(() => f.Sink.Messages.Any(m => m.StartsWith("[pid:")), "the request line");
        var line = f.Sink.Messages.First(m => m.StartsWith("[pid:"));
        int headBytes = reply.RawHead.Length + 4;
        var pattern = $@"^\[pid: {Environment.ProcessId}\|app: 0\|req: 1/1\] 127\.0\.0\.1 \(\) \{{22 vars in \d+ bytes\}} "
            + @"\[\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\] GET /logged\?x=1 => generated 5 bytes in \d+ msecs "
            + $@"\(HTTP/1\.1 200\) 2 headers in {headBytes} bytes \(1 switches on core 0\)$";
        Assert.Matches(new Regex(pattern), line);
    }

    [Fact]
    public void RequestLine_IsSuppressed_WithDisableLogging()
    {
        using var f = new ServingFixture(Apps.Pieces("x"), o => o with { DisableLogging = true });
        using var c = f.Connect();
        c.Send("GET / HTTP/1.1\r\n\r\n");
        c.ReadResponse();
        Wait.Until(() => f.Scoreboard.Slot(1).Requests == 1, "the request to finish");

        Assert.DoesNotContain(f.Sink.Messages, m => m.StartsWith("[pid:"));
    }
}
