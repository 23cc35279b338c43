using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Nginx;

/// <summary>
/// A process started by a test: output captured, waited on with deadlines, and always ended by its
/// PID in Dispose (the stop signal first, SIGKILL if it has not exited by the deadline).
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly int _stopSignal;

    public ChildProcess(string file, IEnumerable<string> args, string workingDirectory, int stopSignal,
        IDictionary<string, string>? environment = null)
    {
        _stopSignal = stopSignal;
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
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

    public string Output { get { lock (_output) return _output.ToString(); } }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>Waits until a TCP connect to 127.0.0.1:port succeeds, failing with the output if the process dies or time runs out.</summary>
    public void WaitForPort(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"process exited ({_process.ExitCode}) before listening on {port}:\n{Output}");
            try
            {
                using var c = new TcpClient();
                c.Connect("127.0.0.1", port);
                return;
            }
            catch (SocketException) { Thread.Sleep(50); }
        }
        throw new TimeoutException($"nothing listened on {port} within {timeout}:\n{Output}");
    }

    /// <summary>Waits until path exists (a unix socket, a pidfile), with the same failure rules.</summary>
    public void WaitForFile(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!File.Exists(path))
        {
            if (_process.HasExited) throw new InvalidOperationException($"process exited ({_process.ExitCode}) before creating {path}:\n{Output}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{path} did not appear within {timeout}:\n{Output}");
            Thread.Sleep(50);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                Libc.Kill(_process.Id, _stopSignal);
                if (!_process.WaitForExit(TimeSpan.FromSeconds(15)))
                {
                    Libc.Kill(_process.Id, Signals.SIGKILL);
                    _process.WaitForExit(TimeSpan.FromSeconds(15));
                }
            }
        }
        finally { _process.Dispose(); }
    }
}
