// A launcher that starts nothing: it hands out pids, records spawns and signals, and lets the test
// decide when a "process" exits (by handing the master a WorkerExited event).

using DotnetWsgi.Manager.Master;

namespace DotnetWsgi.Manager.Tests.Support;

public sealed class FakeLauncher : IWorkerLauncher
{
    private int _nextPid = 1000;

    public List<WorkerSpawn> Spawns { get; } = [];
    public Dictionary<int, WorkerSpawn> ByPid { get; } = [];
    public List<(int Pid, int Signal)> Signals { get; } = [];

    public int Start(WorkerSpawn spawn, Action<int, int> exited)
    {
        int pid = ++_nextPid;
        Spawns.Add(spawn);
        ByPid[pid] = spawn;
        return pid;
    }

    public int Signal(int pid, int signal)
    {
        Signals.Add((pid, signal));
        return 0;
    }

    public IEnumerable<int> SignalsTo(int pid) => Signals.Where(s => s.Pid == pid).Select(s => s.Signal);
}
