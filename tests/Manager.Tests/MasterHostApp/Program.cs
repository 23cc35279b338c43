// MasterHostApp OPTIONS.json STAND_IN_WORKER.py: the real master process with the stand-in worker.
// Options come from a ServerOptionsJson file; a graceful reload re-reads it (as the CLI re-reads ini).

using DotnetWsgi.Config;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Master;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: MasterHostApp OPTIONS.json STAND_IN_WORKER.py");
    return 2;
}
string optionsPath = Path.GetFullPath(args[0]);
string worker = Path.GetFullPath(args[1]);
ConfigResult Read() => new(ServerOptionsJson.Deserialize(File.ReadAllText(optionsPath)), []);
return MasterProcess.Run(Read().Options!, Read, log => new ProcessWorkerLauncher("/usr/bin/python3", [worker], log));
