namespace DotnetWsgi.Manager.Master;

/// <summary>What a worker process needs to start (the environment of WorkerContract).</summary>
public sealed record WorkerSpawn(int WorkerId, long Generation, string ConfigPath, string Fds, string ScoreboardPath, int MasterPid);

/// <summary>
/// The master's seam to the OS for workers: start a process, signal it, hear of its exit. The real
/// one is ProcessWorkerLauncher; tests use a hand-written fake that records spawns and signals.
/// </summary>
public interface IWorkerLauncher
{
    /// <summary>Starts a worker and returns its pid; exited is called (on any thread) with pid and exit code.</summary>
    int Start(WorkerSpawn spawn, Action<int, int> exited);

    /// <summary>Sends a signal. Returns 0 or -errno (-ESRCH: already gone), as Libc.Kill.</summary>
    int Signal(int pid, int signal);
}
