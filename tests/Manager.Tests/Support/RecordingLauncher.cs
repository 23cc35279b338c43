// Wraps the real launcher and remembers every pid it started, so a test can kill them all by pid.

using DotnetWsgi.Manager.Master;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Support;

public sealed class RecordingLauncher(IWorkerLauncher inner) : IWorkerLauncher
{
    private readonly List<int> _pids = [];

    public int[] Pids { get { lock (_pids) return [.. _pids]; } }

    public int Start(WorkerSpawn spawn, Action<int, int> exited)
    {
        int pid = inner.Start(spawn, exited);
        lock (_pids) _pids.Add(pid);
        return pid;
    }

    public int Signal(int pid, int signal) => inner.Signal(pid, signal);

    public static bool IsAlive(int pid) => Libc.Kill(pid, 0) == 0 && !IsZombie(pid);

    private static bool IsZombie(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].StartsWith('Z'); }
        catch (IOException) { return false; }
    }
}
