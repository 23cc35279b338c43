using System.CommandLine;

namespace DotnetWsgi.Manager.Cli;

/// <summary>
/// The flags that are not configuration options. Everything else stays unmatched (in order) for
/// ConfigLoader, so the root command treats unmatched tokens as data, not errors.
/// </summary>
internal sealed class ControlFlags
{
    public Option<bool> Help { get; } = new("--help", "-h", "-?") { Arity = ArgumentArity.Zero, Description = "show this help" };
    public Option<bool> Version { get; } = new("--version") { Arity = ArgumentArity.Zero, Description = "print the version" };
    public Option<string> Reload { get; } = new("--reload") { HelpName = "PIDFILE", Description = "gracefully reload the instance whose master pid is in PIDFILE" };
    public Option<string> Stop { get; } = new("--stop") { HelpName = "PIDFILE", Description = "gracefully stop the instance whose master pid is in PIDFILE" };
    public Option<bool> CheckConfig { get; } = new("--check-config") { Arity = ArgumentArity.Zero, Description = "validate the configuration, print every problem, exit 0 or 1" };
    public Option<bool> PrintConfig { get; } = new("--print-config") { Arity = ArgumentArity.Zero, Description = "print the effective configuration as ini" };

    public IEnumerable<Option> All => [Help, Version, Reload, Stop, CheckConfig, PrintConfig];

    public RootCommand BuildRoot()
    {
        var root = new RootCommand("dotnetwsgi: a uWSGI-compatible application server") { TreatUnmatchedTokensAsErrors = false };
        root.Options.Clear();      // the default --help/--version are replaced by ours (help comes from the catalogue)
        root.Directives.Clear();   // `[diagram]`-style tokens are not ours to interpret
        foreach (var option in All)
            root.Options.Add(option);
        return root;
    }
}
