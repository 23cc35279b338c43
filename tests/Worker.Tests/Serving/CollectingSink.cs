using Serilog.Core;
using Serilog.Events;

namespace DotnetWsgi.Worker.Tests.Serving;

/// <summary>Keeps every log event so tests can assert on what was logged.</summary>
public sealed class CollectingSink : ILogEventSink
{
    private readonly List<LogEvent> _events = [];

    public void Emit(LogEvent logEvent)
    {
        lock (_events) _events.Add(logEvent);
    }

    public IReadOnlyList<LogEvent> Events
    {
        get { lock (_events) return _events.ToList(); }
    }

    public IEnumerable<string> Messages => Events.Select(e => e.RenderMessage());
}
