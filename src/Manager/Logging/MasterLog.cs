// Builds the master's Serilog logger: plain uWSGI-style lines (message only) to stderr, or to the
// `logto` file through LogFileSink. Worker output arrives here too (see WorkerOutput), so the
// log destination, its rotation and reopen exist once, in the master.

using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;
using DotnetWsgi.Native;

namespace DotnetWsgi.Manager.Logging;

public sealed class MasterLog : IDisposable
{
    private const string Template = "{Message:l}{NewLine}{Exception}";

    public ILogger Logger { get; }
    /// <summary>The logto file, or null when logging to stderr.</summary>
    public LogFileSink? File { get; }
    private readonly Logger _root;

    private MasterLog(Logger root, LogFileSink? file)
    {
        _root = root;
        Logger = root;
        File = file;
    }

    /// <summary>Logger writing to logto when given, else to stderr.</summary>
    public static MasterLog Create(string? logto)
    {
        var config = new LoggerConfiguration().MinimumLevel.Is(StartupClock.DebugEnabled ? LogEventLevel.Debug : LogEventLevel.Information);
        LogFileSink? file = null;
        if (logto is not null)
        {
            file = new LogFileSink(logto, new MessageTemplateTextFormatter(Template));
            config = config.WriteTo.Sink(file);
        }
        else
        {
            config = config.WriteTo.Sink(new TextWriterSink(Console.Error, new MessageTemplateTextFormatter(Template)));
        }
        return new MasterLog(config.CreateLogger(), file);
    }

    public void Dispose()
    {
        _root.Dispose();
        File?.Dispose();
    }
}

/// <summary>Writes formatted events to a TextWriter under a lock (stderr by default).</summary>
internal sealed class TextWriterSink(TextWriter writer, Serilog.Formatting.ITextFormatter formatter) : ILogEventSink
{
    private readonly object _lock = new();

    public void Emit(Serilog.Events.LogEvent logEvent)
    {
        lock (_lock)
        {
            formatter.Format(logEvent, writer);
            writer.Flush();
        }
    }
}
