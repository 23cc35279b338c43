using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace DotnetWsgi.Worker.Tests.Python;

/// <summary>A Serilog logger whose events the tests can inspect.</summary>
public sealed class TestLog : ILogEventSink
{
    private readonly List<LogEvent> _events = [];

    public TestLog() => Logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();

    public Serilog.ILogger Logger { get; }

    public void Emit(LogEvent logEvent)
    {
        lock (_events) _events.Add(logEvent);
    }

    public int Count
    {
        get { lock (_events) return _events.Count; }
    }

    /// <summary>Rendered messages of the events after index `from` at the given level.</summary>
    public List<string> Since(int from, LogEventLevel level)
    {
        lock (_events)
            return _events.Skip(from).Where(e => e.Level == level).Select(e => e.RenderMessage()).ToList();
    }
}
