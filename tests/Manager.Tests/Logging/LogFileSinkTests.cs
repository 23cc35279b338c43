using DotnetWsgi.Manager.Logging;
using Serilog;
using Serilog.Formatting.Display;

namespace DotnetWsgi.Manager.Tests.Logging;

public class LogFileSinkTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dnw-log-").FullName;

    [Fact]
    public void Rotate_RenamesToUnixTimeSuffix_AndStartsANewFile()
    {
        string path = Path.Combine(_dir, "app.log");
        using var sink = new LogFileSink(path, new MessageTemplateTextFormatter("{Message:l}{NewLine}"));
        using var log = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();
        log.Information("before rotation");
        string rotated = sink.Rotate(1795311136, "logsize: 16, triggering rotation");
        log.Information("after rotation");
        Assert.Equal($"{path}.1795311136", rotated);
        Assert.Equal("before rotation\nlogsize: 16, triggering rotation\n", File.ReadAllText(rotated));
        Assert.Equal("after rotation\n", File.ReadAllText(path));
    }

    [Fact]
    public void Reopen_WritesToANewFile_AfterTheOldOneWasMoved()
    {
        string path = Path.Combine(_dir, "app.log");
        using var sink = new LogFileSink(path, new MessageTemplateTextFormatter("{Message:l}{NewLine}"));
        using var log = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();
        log.Information("one");
        File.Move(path, path + ".old");
        sink.Reopen();
        log.Information("two");
        Assert.Equal("one\n", File.ReadAllText(path + ".old"));
        Assert.Equal("two\n", File.ReadAllText(path));
    }

    public void Dispose() => Directory.Delete(_dir, true);
}
