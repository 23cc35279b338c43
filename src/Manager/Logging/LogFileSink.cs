// Overview
// The `logto` sink: appends formatted lines to one file and can reopen it (fifo `l`, touch-logreopen)
// or rotate it (fifo `L`, `log-maxsize`), as uWSGI does: rename to `<file>.<unix time>` and start a
// new file. Serilog.Sinks.File rolls to `name_001.log` and cannot reopen on demand, so the master
// keeps this small sink instead. Master and worker lines (workers' stdout/stderr are piped through
// the master) all pass here, so rotation and reopen are implemented once.

using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace DotnetWsgi.Manager.Logging;

public sealed class LogFileSink : ILogEventSink, IDisposable
{
    private readonly object _lock = new();
    private readonly ITextFormatter _formatter;
    private StreamWriter? _writer;

    public string Path { get; }

    public LogFileSink(string path, ITextFormatter formatter)
    {
        Path = System.IO.Path.GetFullPath(path);
        _formatter = formatter;
        _writer = Open(Path);
    }

    private static StreamWriter Open(string path)
    {
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        return new StreamWriter(stream) { AutoFlush = true };
    }

    public void Emit(LogEvent logEvent)
    {
        lock (_lock)
        {
            if (_writer is null) return;
            _formatter.Format(logEvent, _writer);
        }
    }

    /// <summary>Size of the current file in bytes.</summary>
    public long Length
    {
        get { lock (_lock) return _writer?.BaseStream.Length ?? 0; }
    }

    /// <summary>Closes and reopens the file at the same path (after an external logrotate moved it).</summary>
    public void Reopen()
    {
        lock (_lock)
        {
            _writer?.Dispose();
            _writer = Open(Path);
        }
    }

    /// <summary>Renames the file to `path.unixTime` and starts a new one. Returns the rotated name.</summary>
    public string Rotate(long unixTime, string closingLine)
    {
        lock (_lock)
        {
            string rotated = $"{Path}.{unixTime}";
            _writer?.WriteLine(closingLine);
            _writer?.Dispose();
            File.Move(Path, rotated, overwrite: true);
            _writer = Open(Path);
            return rotated;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _writer?.Dispose();
            _writer = null;
        }
    }
}
