// Overview
// The `logto` sink: appends formatted lines to one file and can reopen it (fifo `l`, touch-logreopen)
// or rotate it (fifo `L`, `log-maxsize`), as uWSGI does: rename to `<file>.<unix time>` and start a
// new file. Serilog.Sinks.File rolls to `name_001.log` and cannot reopen on demand, so the master
// keeps this small sink instead. Master and worker lines (workers' stdout/stderr are piped through
// the master) all pass here, so rotation and reopen are implemented once.
//
// The file is opened with O_APPEND (Libc.OpenAppend): after logrotate's copytruncate the next line
// lands at the start of the emptied file, as in uWSGI. A line that cannot be written (a full device,
// an I/O error) is dropped and counted (DroppedLines: `log_dropped` in stats, a /metrics counter);
// the first failure of an outage is said once on stderr, and the first line that gets through again
// is preceded by how many were lost. Serving never waits on or fails for the log.

using System.Text;
using DotnetWsgi.Native.Interop;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace DotnetWsgi.Manager.Logging;

public sealed class LogFileSink : ILogEventSink, IDisposable
{
    private readonly object _lock = new();
    private readonly ITextFormatter _formatter;
    private readonly TextWriter _notices;
    private FileStream? _stream;
    private long _dropped;
    private long _droppedInOutage;

    public string Path { get; }

    /// <param name="notices">Where a write failure is said (stderr by default: the log itself cannot be written).</param>
    public LogFileSink(string path, ITextFormatter formatter, TextWriter? notices = null)
    {
        Path = System.IO.Path.GetFullPath(path);
        _formatter = formatter;
        _notices = notices ?? Console.Error;
        _stream = Open(Path);
    }

    private static FileStream Open(string path) => new(Libc.OpenAppend(path), FileAccess.Write, bufferSize: 0);

    /// <summary>Lines dropped since start because the file could not be written.</summary>
    public long DroppedLines => Interlocked.Read(ref _dropped);

    public void Emit(LogEvent logEvent)
    {
        var text = new StringWriter();
        _formatter.Format(logEvent, text);
        lock (_lock) Write(text.ToString());
    }

    private void Write(string text)
    {
        if (_stream is null) return;
        try
        {
            if (_droppedInOutage > 0)
                _stream.Write(Encoding.UTF8.GetBytes($"dotnetwsgi: {_droppedInOutage} log lines were dropped while {Path} could not be written\n"));
            _droppedInOutage = 0;
            _stream.Write(Encoding.UTF8.GetBytes(text));
        }
        catch (IOException e)
        {
            Interlocked.Increment(ref _dropped);
            if (_droppedInOutage++ == 0) SayOnce(e);
        }
    }

    private void SayOnce(IOException e)
    {
        try
        {
            _notices.WriteLine($"dotnetwsgi: cannot write to the log file {Path}: {e.Message}; serving goes on, log lines are dropped and counted (log_dropped in stats, dotnetwsgi_log_dropped_total in /metrics)");
            _notices.Flush();
        }
        catch (IOException) { } // stderr is gone too: the counter still says it
    }

    /// <summary>Size of the current file in bytes (0 for a device such as /dev/full).</summary>
    public long Length
    {
        get { lock (_lock) return _stream is { CanSeek: true } s ? s.Length : 0; }
    }

    /// <summary>Closes and reopens the file at the same path (after an external logrotate moved it).</summary>
    public void Reopen()
    {
        lock (_lock)
        {
            _stream?.Dispose();
            _stream = Open(Path);
        }
    }

    /// <summary>Renames the file to `path.unixTime` and starts a new one. Returns the rotated name.</summary>
    public string Rotate(long unixTime, string closingLine)
    {
        lock (_lock)
        {
            string rotated = $"{Path}.{unixTime}";
            Write(closingLine + "\n");
            _stream?.Dispose();
            File.Move(Path, rotated, overwrite: true);
            _stream = Open(Path);
            return rotated;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }
}
