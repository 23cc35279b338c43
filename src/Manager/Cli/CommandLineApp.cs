namespace DotnetWsgi.Manager.Cli;

// Placeholder replaced by the CLI work (issue 2): parses arguments with System.CommandLine.
public static class CommandLineApp
{
    public static int Run(string[] args) => throw new NotImplementedException("CLI not built yet");
}
