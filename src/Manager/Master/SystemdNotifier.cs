// Overview
// systemd's notify protocol (sd_notify): newline-separated KEY=VALUE datagrams sent to the unix
// datagram socket named by NOTIFY_SOCKET (a path, or an abstract name written with a leading '@').
// The master says READY=1 once a worker accepts (uWSGI says it before any worker can answer),
// RELOADING=1 when a reload starts and READY=1 again when it is done, STOPPING=1 when it stops,
// STATUS=<text> along the way, and WATCHDOG=1 every half WATCHDOG_USEC when the unit sets
// WatchdogSec= (the pings come from the master loop, so a stuck loop stops them). The variables
// are removed from the environment: workers must not speak for the service. The protocol is a
// few lines over a datagram socket, so no library is pulled in for it.

using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Serilog;

namespace DotnetWsgi.Manager.Master;

public sealed class SystemdNotifier : IDisposable
{
    private readonly Socket _socket;
    private readonly UnixDomainSocketEndPoint _target;
    private readonly ILogger _log;
    private bool _failed;

    private SystemdNotifier(Socket socket, UnixDomainSocketEndPoint target, ILogger log, TimeSpan? watchdog)
    {
        _socket = socket;
        _target = target;
        _log = log;
        WatchdogInterval = watchdog;
    }

    /// <summary>How often to send WATCHDOG=1 (half of WATCHDOG_USEC), or null when the watchdog is off.</summary>
    public TimeSpan? WatchdogInterval { get; }

    /// <summary>The notifier NOTIFY_SOCKET asks for, or null when it is unset.</summary>
    public static SystemdNotifier? FromEnvironment(Func<string, string?> env, int pid, ILogger log)
    {
        string? path = env("NOTIFY_SOCKET");
        TimeSpan? watchdog = null;
        bool forUs = env("WATCHDOG_PID") is not string wpid || wpid == pid.ToString();
        if (forUs && long.TryParse(env("WATCHDOG_USEC"), out long usec) && usec > 0) watchdog = TimeSpan.FromMicroseconds(usec / 2.0);
        foreach (var name in new[] { "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID" }) Environment.SetEnvironmentVariable(name, null);
        if (string.IsNullOrEmpty(path)) return null;
        if (path[0] is not ('/' or '@'))
        {
            log.Warning("systemd: NOTIFY_SOCKET = {Path} is neither a path nor an abstract name (@name): not notifying", path);
            return null;
        }
        var target = new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path[1..] : path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        log.Information("systemd: notifying {Path}{Watchdog}", path, watchdog is { } w ? $", watchdog every {w.TotalSeconds:0.###} s" : "");
        return new SystemdNotifier(socket, target, log, watchdog);
    }

    public void Ready(string status) => Send($"READY=1\nSTATUS={status}\nMAINPID={Environment.ProcessId}");

    /// <summary>RELOADING=1 with MONOTONIC_USEC (which systemd's Type=notify-reload requires).</summary>
    public void Reloading(string status)
        => Send($"RELOADING=1\nSTATUS={status}\nMONOTONIC_USEC={Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000)}");

    public void Stopping(string status) => Send($"STOPPING=1\nSTATUS={status}");

    public void Status(string status) => Send($"STATUS={status}");

    public void Watchdog() => Send("WATCHDOG=1");

    private void Send(string message)
    {
        try { _socket.SendTo(Encoding.UTF8.GetBytes(message), SocketFlags.None, _target); }
        catch (SocketException e)
        {
            if (_failed) return; // said once; the service keeps running without notifications
            _failed = true;
            _log.Error("systemd: cannot notify {Path}: {Reason}", _target, e.Message);
        }
    }

    public void Dispose() => _socket.Dispose();
}
