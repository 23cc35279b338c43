// Overview
// The worker's logger: Serilog to stderr as plain uWSGI-like lines (the master collects workers'
// stderr into its own log), no timestamps unless `log-date`. The sink is asynchronous so a request
// never waits on the terminal or a pipe; Dispose flushes it before the worker exits.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Native;
using Serilog;
using Serilog.Events;
using Serilog.Sinks.SystemConsole.Themes;

namespace DotnetWsgi.Worker.Logging;

public static class WorkerLog
{
    public static Serilog.Core.Logger Create(ServerOptions options, int workerId, int pid)
    {
        string template = options.LogDate
            ? "{Timestamp:ddd MMM d HH:mm:ss yyyy} - {Message:lj}{NewLine}{Exception}"
            : "{Message:lj}{NewLine}{Exception}";
        return new LoggerConfiguration()
            .MinimumLevel.Is(StartupClock.DebugEnabled ? LogEventLevel.Debug : LogEventLevel.Information)
            .Enrich.WithProperty("WorkerId", workerId)
            .Enrich.WithProperty("Pid", pid)
            .WriteTo.Async(a => a.Console(outputTemplate: template, theme: ConsoleTheme.None,
                standardErrorFromLevel: LogEventLevel.Verbose, formatProvider: System.Globalization.CultureInfo.InvariantCulture),
                bufferSize: 10000, blockWhenFull: true)
            .CreateLogger();
    }
}
