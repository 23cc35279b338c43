using DotnetWsgi.Native;

namespace DotnetWsgi.Manager;

public static class Program
{
    public static int Main(string[] args)
    {
        StartupClock.Start();
        // The master starts workers as this same executable with the worker contract in the environment.
        if (Environment.GetEnvironmentVariable(WorkerContract.WorkerIdVar) is not null)
            return DotnetWsgi.Worker.Serving.WorkerProgram.Run();
        if (args.Length > 0 && args[0] == "top") return Top.TopCommand.Run(args[1..]);
        return Cli.CommandLineApp.Run(args);
    }
}
