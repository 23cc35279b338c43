namespace DotnetWsgi.Manager.Emperor;

/// <summary>How the Emperor starts and signals vassal masters (a seam for tests).</summary>
public interface IVassalLauncher
{
    /// <summary>Starts `dotnetwsgi ARGS` in workingDirectory; exited(pid, code) is called on another thread when it ends. Returns the pid.</summary>
    int Start(IReadOnlyList<string> arguments, string workingDirectory, Action<int, int> exited);

    /// <summary>kill(2): 0 on success, else the errno.</summary>
    int Signal(int pid, int signal);
}
