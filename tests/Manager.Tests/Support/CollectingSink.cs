// Collects rendered log lines so tests can assert on what the master said.

using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace DotnetWsgi.Manager.Tests.Support;

public sealed class CollectingSink : ILogEventSink
{
    private readonly List<string> _lines = [];

    public void Emit(LogEvent logEvent)
    {
        lock (_lines) _lines.Add(logEvent.RenderMessage().Replace("\"", ""));
    }

    public List<string> Lines
    {
        get { lock (_lines) return [.. _lines]; }
    }

    public bool Contains(string fragment) => Lines.Any(l => l.Contains(fragment, StringComparison.Ordinal));

    public ILogger CreateLogger() => new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(this).CreateLogger();
}
