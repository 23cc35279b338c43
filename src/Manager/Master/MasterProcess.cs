using DotnetWsgi.Config;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Logging;

namespace DotnetWsgi.Manager.Master;

/// <summary>The master's entry point, called by the CLI once the configuration is valid.</summary>
public static class MasterProcess
{
    /// <summary>
    /// Runs the master until it stops; returns the process exit code (0 clean stop, 1 start-up error,
    /// 22 no worker could load the app with need-app). reloadConfig re-reads the configuration from the
    /// original sources (graceful reload); it must not depend on the working directory, since the
    /// master applies `chdir` at start.
    /// </summary>
    public static int Run(ServerOptions options, Func<ConfigResult> reloadConfig)
        => Run(options, reloadConfig, ProcessWorkerLauncher.ForThisExecutable);

    /// <summary>
    /// For testing (and embedding): the same master with another worker command, e.g. a test host
    /// that runs a stand-in worker. launcher receives the master's logger (for worker output).
    /// </summary>
    public static int Run(ServerOptions options, Func<ConfigResult> reloadConfig, Func<Serilog.ILogger, IWorkerLauncher> launcher)
    {
        if (options.Daemonize is not null && !Daemonizer.IsDaemon) return Daemonizer.Launch(options, Console.Error);
        string? logto = options.Logto;
        if (Daemonizer.IsDaemon && options.Daemonize is not null)
        {
            Daemonizer.Detach(options.Daemonize);
            logto ??= options.Daemonize;
        }
        MasterLog log;
        try
        {
            log = MasterLog.Create(logto);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"dotnetwsgi: cannot open logto file {logto}: {e.Message}");
            return 1;
        }
        using (log)
            return new MasterHost(options, reloadConfig, log, launcher).Execute();
    }
}
