// The published binary started as systemd would start it: with NOTIFY_SOCKET / WATCHDOG_USEC in
// its environment, or behind systemd-socket-activate (LISTEN_FDS). A NotifyListener is the service
// manager's end of the notify protocol: a real unix datagram socket collecting every message.
// Dispose kills the master and every worker pid it logged, by pid.

using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using DotnetWsgi.Manager.Tests.Support;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Integration.Systemd;

public sealed partial class SystemdInstance : IDisposable
{
    private readonly List<string> _output = [];
    private readonly Process _process;

    public string Dir { get; }
    public int Port { get; }

    /// <param name="prefix">A command to run the binary through (systemd-socket-activate and its flags).</param>
    public SystemdInstance(string dir, int port, string[] ini, IDictionary<string, string> environment, string[]? prefix = null)
    {
        Dir = dir;
        Port = port;
        File.WriteAllLines(Path.Combine(dir, "app.ini"), ["[uwsgi]", $"http-socket = 127.0.0.1:{port}", "worker-reload-mercy = 30", .. ini]);
        var info = new ProcessStartInfo(prefix?[0] ?? Repo.Binary)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = dir,
        };
        foreach (var arg in prefix?.Skip(1) ?? []) info.ArgumentList.Add(arg);
        if (prefix is not null) info.ArgumentList.Add(Repo.Binary);
        info.ArgumentList.Add("--ini");
        info.ArgumentList.Add(Path.Combine(dir, "app.ini"));
        foreach (var (k, v) in environment) info.Environment[k] = v;
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;
    public List<string> Output { get { lock (_output) return [.. _output]; } }
    public bool Logged(string fragment) => Output.Any(l => l.Contains(fragment, StringComparison.Ordinal));

    public string Get(string path)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60), DefaultRequestHeaders = { ConnectionClose = true } };
        return http.GetStringAsync($"http://127.0.0.1:{Port}{path}").GetAwaiter().GetResult();
    }

    public int WaitForExit()
    {
        if (!_process.WaitForExit((int)Wait.Deadline.TotalMilliseconds)) throw new TimeoutException("dotnetwsgi did not exit");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        var workers = Output.Select(l => WorkerPidPattern().Match(l)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).ToList();
        if (!_process.HasExited) Libc.Kill(_process.Id, Signals.SIGKILL);
        foreach (int pid in workers) Libc.Kill(pid, Signals.SIGKILL);
        _process.Dispose();
    }

    [GeneratedRegex(@"(?:spawned uWSGI worker \d+ \(pid: |Respawned uWSGI worker \d+ \(new pid: )(\d+)")]
    private static partial Regex WorkerPidPattern();
}

/// <summary>The service manager's end: a bound unix datagram socket that records every message.</summary>
public sealed class NotifyListener : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly List<string> _messages = [];
    private readonly Thread _reader;
    private readonly string? _path;

    /// <param name="name">A path, or an abstract name written with a leading '@' (as NOTIFY_SOCKET writes it).</param>
    public NotifyListener(string name)
    {
        NotifySocket = name;
        _path = name.StartsWith('@') ? null : name;
        _socket.Bind(new UnixDomainSocketEndPoint(name.StartsWith('@') ? "\0" + name[1..] : name));
        _reader = new Thread(Read) { IsBackground = true };
        _reader.Start();
    }

    /// <summary>The value for NOTIFY_SOCKET.</summary>
    public string NotifySocket { get; }

    public List<string> Messages { get { lock (_messages) return [.. _messages]; } }

    /// <summary>Every KEY=VALUE line received, in order.</summary>
    public List<string> Lines => Messages.SelectMany(m => m.Split('\n')).ToList();

    private void Read()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                int n = _socket.Receive(buffer);
                lock (_messages) _messages.Add(Encoding.UTF8.GetString(buffer, 0, n));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
    }

    public void Dispose()
    {
        _socket.Dispose();
        if (_path is not null) File.Delete(_path);
    }
}
