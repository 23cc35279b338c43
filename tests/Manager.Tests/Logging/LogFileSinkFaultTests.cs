// The logto sink under faults, in-process: O_APPEND after a truncation, and a file that cannot be
// written (a fifo whose reader has gone: EPIPE) — lines dropped and counted, said once, and the loss
// reported in the file when writing works again.

using DotnetWsgi.Manager.Logging;
using DotnetWsgi.Native.Interop;
using Serilog;
using Serilog.Formatting.Display;

namespace DotnetWsgi.Manager.Tests.Logging;

public sealed class LogFileSinkFaultTests : IDisposable
{
    private readonly string _dir = Repo.TempDir("dnw-logfault");
    private readonly StringWriter _notices = new();

    public void Dispose() => Repo.DeleteDir(_dir);

    private LogFileSink Sink(string path) => new(path, new MessageTemplateTextFormatter("{Message:l}{NewLine}"), _notices);

    [Fact]
    public void AfterATruncation_TheNextLineLandsAtTheStart_WithoutNulBytes()
    {
        string path = Path.Combine(_dir, "app.log");
        using var sink = Sink(path);
        using var log = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();
        log.Information("a line before logrotate runs");
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) f.SetLength(0); // copytruncate
        log.Information("after");
        Assert.Equal("after\n", File.ReadAllText(path));
    }

    [Fact]
    public void AnUnwritableFile_DropsAndCountsLines_SaysItOnce_AndReportsTheLossWhenWritingWorksAgain()
    {
        string fifo = Path.Combine(_dir, "log.fifo");
        Assert.Equal(0, Libc.MkFifo(fifo, 0x180 /* 0600 */));
        var firstReader = Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Read)); // open(2) of a fifo waits for the other end
        using var sink = Sink(fifo);
        using var log = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();
        using (var reader = new StreamReader(firstReader.Result))
        {
            log.Information("one");
            Assert.Equal("one", reader.ReadLine());
        }
        log.Information("two"); // no reader: EPIPE
        log.Information("three");
        Assert.Equal(2, sink.DroppedLines);
        Assert.Single(_notices.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains($"cannot write to the log file {fifo}: "));

        using var again = new StreamReader(new FileStream(fifo, FileMode.Open, FileAccess.Read)); // the writer is open: no wait
        log.Information("four");
        Assert.Equal($"dotnetwsgi: 2 log lines were dropped while {fifo} could not be written", again.ReadLine());
        Assert.Equal("four", again.ReadLine());
        Assert.Equal(2, sink.DroppedLines);
    }
}
