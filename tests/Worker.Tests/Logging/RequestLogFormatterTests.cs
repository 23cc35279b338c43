using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Logging;

namespace DotnetWsgi.Worker.Tests.Logging;

public sealed class RequestLogFormatterTests
{
    private static RequestLogEntry ReferenceEntry() => new()
    {
        Pid = 16614, AppId = 0, WorkerRequests = 2, InstanceRequests = 3, RemoteAddr = "127.0.0.1", VarEntries = 24,
        VarsBytes = 258, Start = LocalTime(2026, 11, 22, 1, 27, 50), Method = "GET", Uri = "/paused", BodyBytes = 26,
        DurationMicros = 900, Protocol = "HTTP/1.1", Status = 200, Headers = 1, HeadBytes = 45, Switches = 1, Core = 0,
    };

    private static DateTimeOffset LocalTime(int y, int mo, int d, int h, int mi, int s)
    {
        var local = new DateTime(y, mo, d, h, mi, s, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, TimeZoneInfo.Local.GetUtcOffset(local));
    }

    [Fact]
    public void Format_MatchesUwsgisDefaultLine()
    {
        var line = new RequestLogFormatter(new ServerOptions()).Format(ReferenceEntry());

        Assert.Equal("[pid: 16614|app: 0|req: 2/3] 127.0.0.1 () {24 vars in 258 bytes} [Sun Nov 22 01:27:50 2026] GET /paused "
            + "=> generated 26 bytes in 0 msecs (HTTP/1.1 200) 1 headers in 45 bytes (1 switches on core 0)", line);
    }

    [Fact]
    public void Format_WritesMicros_WithLogMicros()
    {
        var line = new RequestLogFormatter(new ServerOptions { LogMicros = true }).Format(ReferenceEntry());

        Assert.Contains("generated 26 bytes in 900 micros (", line);
    }

    [Fact]
    public void CTime_PadsASingleDigitDay_WithASpace()
    {
        Assert.Equal("Mon Nov  2 03:04:05 2026", RequestLogFormatter.CTime(LocalTime(2026, 11, 2, 3, 4, 5)));
    }

    [Theory]
    [InlineData(false, false, false, 200, true)]
    [InlineData(true, false, false, 200, false)]
    [InlineData(true, true, false, 404, true)]
    [InlineData(true, true, false, 500, false)]
    [InlineData(true, false, true, 503, true)]
    public void ShouldLog_FollowsDisableLoggingAndLog4xx5xx(bool disable, bool log4xx, bool log5xx, int status, bool expected)
    {
        var formatter = new RequestLogFormatter(new ServerOptions { DisableLogging = disable, Log4xx = log4xx, Log5xx = log5xx });

        Assert.Equal(expected, formatter.ShouldLog(status));
    }
}
