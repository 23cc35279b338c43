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
            return Run(args, Console.Out, Console.Error, ConfigLoader.CurrentEnvironment(), Environment.CurrentDirectory, MasterProcess.Run);
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable(TraceVariable) != "1")
        {
            // Last resort: a bug must still read as one line (the master logs its own failures).
            Console.Error.WriteLine($"dotnetwsgi: unexpected error: {e.GetType().Name}: {e.Message} (set {TraceVariable}=1 for details)");
            return ExitCodes.Usage;
        }
    }

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
        IReadOnlyList<string> configArgs = [.. parsed.UnmatchedTokens];
        Func<ConfigResult> load = () => ConfigLoader.Load(configArgs, environment, workingDirectory);
        root.SetAction(result => Dispatch(flags, result, configArgs, environment, load, output, error, runMaster));
        try
        {
            return parsed.Invoke(new InvocationConfiguration
            {
                ProcessTerminationTimeout = null,
                EnableDefaultExceptionHandler = false,
                Output = output,
                Error = error,
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            error.WriteLine($"dotnetwsgi: {e.Message}");
            return ExitCodes.Usage;
        }
    }

    private static int Dispatch(ControlFlags flags, ParseResult result, IReadOnlyList<string> configArgs, IReadOnlyDictionary<string, string> environment,
        Func<ConfigResult> load, TextWriter output, TextWriter error, Func<ServerOptions, Func<ConfigResult>, int> runMaster)
    {
        if (result.GetValue(flags.Help))
        {
            output.Write(HelpText.Build());
            return ExitCodes.Ok;
        }
        if (result.GetValue(flags.Version))
        {
            output.WriteLine($"dotnetwsgi {Version}");
            return ExitCodes.Ok;
        }
        if (result.GetValue(flags.Reload) is { } reloadPidfile)
            return ControlCommands.Reload(reloadPidfile, error);
        if (result.GetValue(flags.Stop) is { } stopPidfile)
            return ControlCommands.Stop(stopPidfile, error);

        if (configArgs.Count == 0 && !environment.Keys.Any(k => k.StartsWith("UWSGI_", StringComparison.Ordinal)))
        {
            error.WriteLine("dotnetwsgi: nothing to serve: give an ini file or options, e.g. dotnetwsgi --ini app.ini (see dotnetwsgi --help)");
            return ExitCodes.Usage;
        }
        var config = load();
        foreach (var diagnostic in config.Diagnostics)
            error.WriteLine(diagnostic);
        if (result.GetValue(flags.CheckConfig))
        {
            if (config.Succeeded)
                output.WriteLine("configuration is valid");
            return config.Succeeded ? ExitCodes.Ok : ExitCodes.Usage;
        }
        if (!config.Succeeded)
            return ExitCodes.Usage;
        if (config.RequestedValues.Count > 0)
        {
            foreach (string value in config.RequestedValues)
                output.WriteLine(value);
            return ExitCodes.Ok;
        }
        if (result.GetValue(flags.PrintConfig))
        {
            output.Write(ConfigWriter.ToIni(config.Options!));
            return ExitCodes.Ok;
        }
        return runMaster(config.Options!, load);
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
