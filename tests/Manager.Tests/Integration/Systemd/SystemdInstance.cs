// The published binary started as systemd would start it: with NOTIFY_SOCKET / WATCHDOG_USEC in
// its environment, or behind systemd-socket-activate (LISTEN_FDS). A NotifyListener is the service
// manager's end of the notify protocol: a real unix datagram socket collecting every message.
// Dispose (MasterInstance's) ends the master and every worker by PID, the workers found in the scoreboard.

using System.Net.Sockets;
using System.Text;

namespace DotnetWsgi.Manager.Tests.Integration.Systemd;

public sealed class SystemdInstance : MasterInstance
{
    /// <param name="prefix">A command to run the binary through (systemd-socket-activate and its flags);
    /// it execs the binary, so the started pid is the master's.</param>
    public SystemdInstance(int port, string[] ini, IDictionary<string, string> environment, string[]? prefix = null)
    {
        Port = port;
        File.WriteAllLines(Ini, ["[uwsgi]", $"http-socket = 127.0.0.1:{port}", "worker-reload-mercy = 30", .. ini]);
        string[] command = [.. prefix ?? [], Repo.Binary, "--ini", Ini];
        Start(command[0], command[1..], environment);
    }
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
