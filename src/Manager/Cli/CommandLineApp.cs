// Overview
// The `dotnetwsgi` command line. System.CommandLine parses the control flags (--help, --version,
// --reload, --stop, --check-config, --print-config); every other token is left unmatched, in its
// original order, and handed to ConfigLoader, whose catalogue-driven walk applies `--ini`, positional
// files and `--option value` left to right as uWSGI does (`--processes 2 --ini a.ini` differs from
// `--ini a.ini --processes 2`). The same token list is re-read on a graceful reload.
// System.CommandLine would hook SIGINT/SIGTERM and force exit codes 130/143; the master owns those
// signals, so ProcessTerminationTimeout is null.

using System.CommandLine;
using DotnetWsgi.Config;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Control;
using DotnetWsgi.Manager.Master;

namespace DotnetWsgi.Manager.Cli;

public static class CommandLineApp
{
    /// <summary>Set DOTNETWSGI_TRACE=1 to see the stack of an unexpected failure instead of one line.</summary>
    public const string TraceVariable = "DOTNETWSGI_TRACE";

    public static int Run(string[] args)
    {
        try
        {
            return Run(args, Console.Out, Console.Error, ConfigLoader.CurrentEnvironment(), Environment.CurrentDirectory, RunMasterOrEmperor);
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable(TraceVariable) != "1")
        {
            // Last resort: a bug must still read as one line (the master logs its own failures).
            Console.Error.WriteLine($"dotnetwsgi: unexpected error: {e.GetType().Name}: {e.Message} (set {TraceVariable}=1 for details)");
            return ExitCodes.Usage;
        }
    }

    /// <summary>`emperor` in the configuration runs the Emperor (one master per vassal ini) instead of a master.</summary>
    private static int RunMasterOrEmperor(ServerOptions options, Func<ConfigResult> reload)
        => options.Emperor.Count > 0 ? Emperor.EmperorProcess.Run(options) : MasterProcess.Run(options, reload);

    // For testing: explicit streams, environment, directory and master entry.
    internal static int Run(string[] args, TextWriter output, TextWriter error, IReadOnlyDictionary<string, string> environment,
        string workingDirectory, Func<ServerOptions, Func<ConfigResult>, int> runMaster)
    {
        var flags = new ControlFlags();
        var root = flags.BuildRoot();
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null, EnablePosixBundling = false });
        if (parsed.Errors.Count > 0)
        {
            error.WriteLine($"dotnetwsgi: {parsed.Errors[0].Message.TrimEnd('.')} (see dotnetwsgi --help)");
            return ExitCodes.Usage;
        }
        var session = new Session(flags, [.. parsed.UnmatchedTokens], environment, workingDirectory, output, error, runMaster);
        root.SetAction(session.Dispatch);
        return parsed.Invoke(new InvocationConfiguration
        {
            ProcessTerminationTimeout = null, // the master owns SIGINT/SIGTERM
            EnableDefaultExceptionHandler = false,
            Output = output,
            Error = error,
        });
    }

    /// <summary>One invocation: the control flags decide what happens to the configuration tokens.</summary>
    private sealed record Session(ControlFlags Flags, IReadOnlyList<string> ConfigArgs, IReadOnlyDictionary<string, string> Environment,
        string WorkingDirectory, TextWriter Output, TextWriter Error, Func<ServerOptions, Func<ConfigResult>, int> RunMaster)
    {
        /// <summary>Re-reads every source from the original tokens: the master calls it on reload.</summary>
        private ConfigResult Load() => ConfigLoader.Load(ConfigArgs, Environment, WorkingDirectory);

        public int Dispatch(ParseResult result)
        {
            if (result.GetValue(Flags.Help))
            {
                Output.Write(HelpText.Build());
                return ExitCodes.Ok;
            }
            if (result.GetValue(Flags.Version))
            {
                Output.WriteLine($"dotnetwsgi {Version}");
                return ExitCodes.Ok;
            }
            if (result.GetValue(Flags.Reload) is { } reloadPidfile)
                return ControlCommands.Reload(reloadPidfile, Error);
            if (result.GetValue(Flags.Stop) is { } stopPidfile)
                return ControlCommands.Stop(stopPidfile, Error);
            if (ConfigArgs.Count == 0 && !Environment.Keys.Any(k => k.StartsWith("UWSGI_", StringComparison.Ordinal)))
            {
                Error.WriteLine("dotnetwsgi: nothing to serve: give an ini file or options, e.g. dotnetwsgi --ini app.ini (see dotnetwsgi --help)");
                return ExitCodes.Usage;
            }
            return WithConfiguration(result, Load());
        }

        private int WithConfiguration(ParseResult result, ConfigResult config)
        {
            if (result.GetValue(Flags.PrintConfig) && !result.GetValue(Flags.CheckConfig) && config.RequestedValues.Count == 0)
                return PrintConfig(config);
            ReportDiagnostics(config);
            if (result.GetValue(Flags.CheckConfig))
            {
                if (config.Succeeded)
                {
                    Output.WriteLine("configuration is valid");
                    if (config.Options!.CustomOptions.Count > 0)
                        Output.WriteLine("custom options (not uWSGI options; kept for uwsgi.opt and %(key)): "
                            + string.Join(", ", config.Options.CustomOptions.Select(c => c.Key).Distinct()));
                }
                return config.Succeeded ? ExitCodes.Ok : ExitCodes.Usage;
            }
            if (!config.Succeeded)
                return ExitCodes.Usage;
            if (config.RequestedValues.Count > 0)
            {
                foreach (string value in config.RequestedValues)
                    Output.WriteLine(value);
                return ExitCodes.Ok;
            }
            return RunMaster(config.Options!, Load);
        }

        /// <summary>
        /// --print-config: the effective options as ini first, also for an incomplete configuration
        /// (no socket or no app yet), then every problem; exit 1 when there is an error.
        /// </summary>
        private int PrintConfig(ConfigResult config)
        {
            if (config.Effective is { } options) Output.Write(ConfigWriter.ToIni(options));
            Output.Flush();
            ReportDiagnostics(config);
            return config.Succeeded ? ExitCodes.Ok : ExitCodes.Usage;
        }

        private void ReportDiagnostics(ConfigResult config)
        {
            foreach (var diagnostic in config.Diagnostics)
                Error.WriteLine(diagnostic);
        }
    }

    public static string Version
        => typeof(CommandLineApp).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}

/// <summary>Exit codes of the CLI itself (the master returns its own).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Bad configuration or usage.</summary>
    public const int Usage = 1;
}
