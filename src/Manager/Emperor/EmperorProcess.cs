// Overview
// The Emperor's entry point, called by the CLI instead of the master when the configuration has
// `emperor`: opens the log (stderr or logto, where every vassal's output goes too), writes
// emperor-pidfile, starts the emperor-stats server, turns SIGTERM/SIGINT/SIGQUIT into a graceful
// stop of every vassal and SIGHUP into a reload of every vassal, then runs the loop.

using System.Runtime.InteropServices;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Logging;
using DotnetWsgi.Manager.Master;
using DotnetWsgi.Manager.Observability;

namespace DotnetWsgi.Manager.Emperor;

public static class EmperorProcess
{
    public static int Run(ServerOptions options)
    {
        MasterLog log;
        try { log = MasterLog.Create(options.Logto); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"dotnetwsgi: cannot open logto file {options.Logto}: {e.Message}");
            return 1;
        }
        using (log)
            return Run(options, log.Logger);
    }

    private static int Run(ServerOptions options, Serilog.ILogger log)
    {
        // Before any vassal starts: FromEnvironment also removes NOTIFY_SOCKET, so vassals never speak for the unit.
        using var notifier = SystemdNotifier.FromEnvironment(Environment.GetEnvironmentVariable, Environment.ProcessId, log);
        var emperor = new Emperor(options, new ProcessVassalLauncher(log), TimeProvider.System, log) { Notifier = notifier };
        Pidfile? pidfile = options.EmperorPidfile is { } path ? new Pidfile(path, Environment.ProcessId) : null;
        try { pidfile?.Write(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Error("dotnetwsgi: {Message}", pidfile!.FailureMessage(e));
            return 1;
        }
        StatsServer? stats = null;
        try
        {
            if (options.EmperorStats is { } address)
                stats = StatsServer.Start(address, () => EmperorStatsJson.Render(options.Emperor, options.EmperorThrottle, emperor.Snapshot,
                    Cli.CommandLineApp.Version), http: false, TimeSpan.FromSeconds(options.SocketTimeout), log);
            using var signals = Signals(emperor);
            return emperor.Run();
        }
        catch (ObservabilityAddressException e)
        {
            log.Error("dotnetwsgi: {Message}", e.Message);
            return 1;
        }
        finally
        {
            stats?.Dispose();
            pidfile?.RemoveIfOurs();
        }
    }

#pragma warning disable CA1416 // Linux only
    private static Registrations Signals(Emperor emperor) => new(
    [
        PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; emperor.Post(new EmperorEvent.Stop("SIGTERM")); }),
        PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; emperor.Post(new EmperorEvent.Stop("SIGINT")); }),
        PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c => { c.Cancel = true; emperor.Post(new EmperorEvent.Stop("SIGQUIT")); }),
        PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => { c.Cancel = true; emperor.Post(new EmperorEvent.ReloadAll()); }),
    ]);
#pragma warning restore CA1416

    private sealed class Registrations(List<PosixSignalRegistration> all) : IDisposable
    {
        public void Dispose() => all.ForEach(r => r.Dispose());
    }
}
