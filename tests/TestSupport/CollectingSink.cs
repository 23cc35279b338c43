// Keeps every log event so tests can assert on what was logged: the events themselves, or their
// rendered messages (Lines: with the quotes Serilog puts around strings removed, as the text log shows them).

using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace DotnetWsgi.TestSupport;

public sealed class CollectingSink : ILogEventSink
{
    private readonly List<LogEvent> _events = [];
    private Logger? _logger;

    public void Emit(LogEvent logEvent)
    {
        lock (_events) _events.Add(logEvent);
    }

    public IReadOnlyList<LogEvent> Events
    {
        get { lock (_events) return [.. _events]; }
    }

    /// <summary>Rendered messages, as Serilog renders them (strings quoted).</summary>
    public IEnumerable<string> Messages => Events.Select(e => e.RenderMessage());

    /// <summary>Rendered messages without the quotes around string values.</summary>
    public List<string> Lines => [.. Messages.Select(m => m.Replace("\"", ""))];

    public int Count
    {
        get { lock (_events) return _events.Count; }
    }

    public bool Contains(string fragment) => Lines.Any(l => l.Contains(fragment, StringComparison.Ordinal));

    /// <summary>Rendered messages of the events after index `from` at the given level.</summary>
    public List<string> Since(int from, LogEventLevel level) => [.. Events.Skip(from).Where(e => e.Level == level).Select(e => e.RenderMessage())];

    /// <summary>One logger (every level) writing into this sink, made on first use.</summary>
    public Logger Logger => LazyInitializer.EnsureInitialized(ref _logger, CreateLogger);

    /// <summary>A new logger (every level) writing into this sink.</summary>
    public Logger CreateLogger() => new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();
}
