// A process started by a test: stdout and stderr captured line by line (read asynchronously, so a
// test waits for a line with WaitLogged rather than asserting right after an event), waited on with
// deadlines, and always ended by its PID in Dispose, together with every process below it: the stop
// signal first, SIGKILL if it has not exited within the grace, then SIGKILL to each descendant
// seen before the stop.

using System.Diagnostics;
using System.Net.Sockets;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.TestSupport;

public sealed class TestProcess : IDisposable
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<ProcessTree.ProcStat> _known = [];
    private readonly int _stopSignal;

    /// <param name="stopSignal">What Dispose sends first (SIGKILL: no grace).</param>
    /// <param name="newProcessGroup">Start through setsid(1): same pid, a session and process group of its own,
    /// so the test can signal the whole group (as a terminal's Ctrl-C does) without hitting itself.</param>
    public TestProcess(string file, IEnumerable<string> args, string? workingDirectory = null, int stopSignal = Signals.SIGKILL,
        IDictionary<string, string>? environment = null, bool newProcessGroup = false)
    {
        _stopSignal = stopSignal;
        var psi = new ProcessStartInfo(newProcessGroup ? "/usr/bin/setsid" : file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        if (newProcessGroup) psi.ArgumentList.Add(file);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>The lines read so far (stdout and stderr interleaved as they arrived).</summary>
    public OutputLines Output { get { lock (_lines) return new(_lines); } }

    public bool Logged(string fragment) => Output.Any(l => l.Contains(fragment, StringComparison.Ordinal));

    /// <summary>Waits until a line holding fragment has been read (output arrives asynchronously).</summary>
    public void WaitLogged(string fragment, TimeSpan? deadline = null)
        => Wait.Until(() => Logged(fragment), $"the output line \"{fragment}\"", deadline);

    /// <summary>Remembers a process (by pid and start time) that Dispose must SIGKILL too, wherever it sits in the tree.</summary>
    public void Track(int pid)
    {
        if (ProcessTree.Stat(pid) is { } stat) lock (_known) _known.Add(stat);
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add(line);
    }

    /// <summary>Waits until a TCP connect to 127.0.0.1:port succeeds; fails with the output if the process dies or time runs out.</summary>
    public void WaitForPort(int port, TimeSpan? timeout = null)
        => WaitAlive(() => CanConnect(port), $"a listener on 127.0.0.1:{port}", timeout);

    /// <summary>Waits until path exists (a unix socket, a pidfile), with the same failure rules.</summary>
    public void WaitForFile(string path, TimeSpan? timeout = null)
        => WaitAlive(() => File.Exists(path), path, timeout);

    /// <summary>Waits for condition while the process runs: its exit, or the deadline, fails with its output.</summary>
    public void WaitAlive(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        try
        {
            Wait.Until(() => condition() || (_process.HasExited ? throw new InvalidOperationException(
                $"process {Pid} exited ({_process.ExitCode}) before {what}:\n{Output}") : false), what, timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException e) { throw new TimeoutException($"{e.Message}:\n{Output}", e); }
    }

    private static bool CanConnect(int port)
    {
        try
        {
            using var c = new TcpClient();
            c.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException) { return false; }
    }

    /// <summary>Waits for the exit (30 s by default) and for the last output line to be read; returns the exit code.</summary>
    public int WaitForExit(TimeSpan? timeout = null)
    {
        if (!_process.WaitForExit(timeout ?? Wait.Deadline)) throw new TimeoutException($"process {Pid} did not exit:\n{Output}");
        _process.WaitForExit(); // after a true from the timed wait: drains the asynchronous output readers
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            List<ProcessTree.ProcStat> family;
            lock (_known) family = [.. _known];
            if (!_process.HasExited) family.AddRange(ProcessTree.Descendants(Pid));
            Stop();
            foreach (var p in family) ProcessTree.KillIfSame(p);
        }
        finally { _process.Dispose(); }
    }

    private void Stop()
    {
        if (_process.HasExited) return;
        Libc.Kill(Pid, _stopSignal);
        if (_stopSignal != Signals.SIGKILL && _process.WaitForExit(StopGrace)) return;
        Libc.Kill(Pid, Signals.SIGKILL);
        _process.WaitForExit(StopGrace);
    }
}
