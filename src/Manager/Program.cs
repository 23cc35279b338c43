using DotnetWsgi.Native;

namespace DotnetWsgi.Manager;

public static class Program
{
    public static int Main(string[] args)
    {
        StartupClock.Start();
        Native.Interop.Libc.UnignoreControlSignals(); // before the console or any signal registration
        // The master starts workers as this same executable with the worker contract in the environment.
        if (Environment.GetEnvironmentVariable(WorkerContract.WorkerIdVar) is not null)
            return DotnetWsgi.Worker.Serving.WorkerProgram.Run();
        if (DotnetWsgi.Worker.Serving.ServiceProgram.IsService) // a mule or spooler of the master
            return DotnetWsgi.Worker.Serving.ServiceProgram.Run();
        if (!Emperor.VassalContract.BindToEmperor())
        {
            Console.Error.WriteLine("dotnetwsgi: the Emperor that started this vassal is gone: not starting");
            return 1;
        }
        if (args.Length > 0 && args[0] == "top") return Top.TopCommand.Run(args[1..]);
        return Cli.CommandLineApp.Run(args);
    }
}
