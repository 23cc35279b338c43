// Overview
// The master's listening sockets. They are bound once by the master, kept across reloads (the
// master keeps its pid and sockets), and inherited by every worker: FD_CLOEXEC is cleared and the fd
// numbers are passed in options.Sockets order (WorkerContract.FdsVar). Apply() reconciles the set
// with a new configuration: addresses still configured keep their socket (no connection in the
// backlog is lost), new ones are bound, removed ones are closed.

using System.Net;
using System.Net.Sockets;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Native.Interop;
using Serilog;

namespace DotnetWsgi.Manager.Master;

/// <summary>A start-up problem the user must fix (bind failure, live unix socket): one line, exit 1.</summary>
public sealed class MasterStartupException(string message) : Exception(message);

public sealed record Listener(SocketSpec Spec, Socket Socket, int Fd, ulong? Inode)
{
    public string Key => KeyOf(Spec);
    public static string KeyOf(SocketSpec spec) => spec.Family == SocketFamily.Unix ? "unix:" + spec.Path : $"tcp:{spec.Host}:{spec.Port}";
}

/// <param name="reusePort">`reuse-port`: SO_REUSEPORT on the TCP sockets this set binds.</param>
public sealed partial class ListenerSet(int backlog, ILogger log, bool reusePort = false) : IDisposable
{
    private bool _stoppedListening;
    private List<Listener> _listeners = [];
    private readonly List<Listener> _created = [];

    public IReadOnlyList<Listener> Listeners => _listeners;

    /// <summary>The fds in configuration order, comma-separated (the worker's DOTNETWSGI_FDS).</summary>
    public string Fds => string.Join(',', _listeners.Select(l => l.Fd));

    /// <summary>Binds what specs name and is not yet bound, closes what they no longer name.</summary>
    public void Apply(IReadOnlyList<SocketSpec> specs)
    {
        var next = new List<Listener>();
        for (int i = 0; i < specs.Count; i++)
        {
            var existing = _listeners.FirstOrDefault(l => l.Key == Listener.KeyOf(specs[i]));
            var activated = existing is null ? TakeActivated(specs[i]) : null;
            var listener = existing is not null ? existing with { Spec = specs[i] } : activated ?? Bind(specs[i]);
            next.Add(listener);
            log.Information(existing is not null ? "uwsgi socket {Index} inherited {Kind} address {Address} fd {Fd}"
                : activated is not null ? "uwsgi socket {Index} inherited from systemd: {Kind} address {Address} fd {Fd}"
                : "uwsgi socket {Index} bound to {Kind} address {Address} fd {Fd}",
                i, KindOf(specs[i]), Describe(specs[i]), listener.Fd);
        }
        foreach (var gone in _listeners.Where(l => next.All(n => n.Key != l.Key)))
        {
            log.Information("closing socket {Address}: no longer in the configuration", Describe(gone.Spec));
            Close(gone, unlink: true);
        }
        _listeners = next;
    }

    private Listener Bind(SocketSpec spec)
    {
        var socket = spec.Family == SocketFamily.Unix ? BindUnix(spec) : BindTcp(spec, reusePort);
        try
        {
            socket.Listen(backlog);
            int fd = (int)socket.SafeHandle.DangerousGetHandle();
            Libc.SetCloseOnExec(fd, false);
            ulong? inode = spec.Family == SocketFamily.Unix ? Libc.Inode(spec.Path!) : null;
            var listener = new Listener(spec, socket, fd, inode);
            _created.Add(listener);
            return listener;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new MasterStartupException($"cannot listen on {spec.Option} {spec.Name}: {e.Message}");
        }
    }

    private const int SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_REUSEPORT = 15; // asm-generic/socket.h

    /// <summary>
    /// SO_REUSEADDR as uWSGI sets it (a restart binds at once over connections in TIME_WAIT), set as a
    /// raw option on purpose: .NET's SocketOptionName.ReuseAddress sets SO_REUSEPORT too on Linux
    /// (strace: both), and with it a second instance started on the same address bound without an
    /// error and the kernel split the connections between the two apps. SO_REUSEPORT only with
    /// `reuse-port`, as in uWSGI.
    /// </summary>
    private static Socket BindTcp(SocketSpec spec, bool reusePort)
    {
        var address = ResolveHost(spec);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.SetRawSocketOption(SOL_SOCKET, SO_REUSEADDR, BitConverter.GetBytes(1));
        if (reusePort) socket.SetRawSocketOption(SOL_SOCKET, SO_REUSEPORT, BitConverter.GetBytes(1));
        try
        {
            socket.Bind(new IPEndPoint(address, spec.Port));
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new MasterStartupException($"cannot bind {spec.Option} {spec.Name} (TCP address {FormatEndpoint(address, spec.Port)}): {e.Message}");
        }
    }

    private static IPAddress ResolveHost(SocketSpec spec)
    {
        string host = spec.Host ?? "";
        if (host is "" or "0.0.0.0" or "*") return IPAddress.Any;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var ip)) return ip;
        try
        {
            return Dns.GetHostAddresses(host).OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).First();
        }
        catch (Exception e) when (e is SocketException or InvalidOperationException)
        {
            throw new MasterStartupException($"cannot resolve host of {spec.Option} {spec.Name}: {e.Message}");
        }
    }

    private static Socket BindUnix(SocketSpec spec)
    {
        string path = spec.Path!;
        if (File.Exists(path) || Libc.IsSocket(path)) RemoveStaleSocket(spec, path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new MasterStartupException($"cannot bind {spec.Option} {spec.Name} (UNIX address {path}): {e.Message}");
        }
    }

    /// <summary>A leftover socket file is replaced only when nothing answers on it.</summary>
    private static void RemoveStaleSocket(SocketSpec spec, string path)
    {
        if (!Libc.IsSocket(path))
            throw new MasterStartupException($"cannot bind {spec.Option} {spec.Name}: {path} exists and is not a socket");
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            File.Delete(path); // nobody listens: stale file from a previous run
            return;
        }
        throw new MasterStartupException($"cannot bind {spec.Option} {spec.Name}: another process is listening on {path}");
    }

    /// <summary>chmod-socket / chown-socket on the unix sockets this set created.</summary>
    public void ApplyUnixPermissions(int? mode, uint? uid, uint? gid)
    {
        foreach (var l in _listeners.Where(l => l.Spec.Family == SocketFamily.Unix))
        {
            if (mode is int m) Libc.Chmod(l.Spec.Path!, m);
            if (uid is not null || gid is not null) Libc.Chown(l.Spec.Path!, uid ?? uint.MaxValue, gid ?? uint.MaxValue);
        }
    }

    /// <summary>
    /// A stop has begun: every listening socket stops taking connections now, for every process that
    /// shares it. shutdown(SHUT_RD) takes a TCP socket out of the listening state (a new connection is
    /// refused, ECONNREFUSED, and one still in the accept queue is reset) and makes a unix socket
    /// refuse connect(); what a unix queue still holds is accepted and closed here. So a client (or
    /// nginx, which then moves to the next upstream) learns at once, instead of waiting in a queue no
    /// worker reads any more until the master exits and resets it. Accepted connections and requests
    /// in flight are untouched; the sockets stay open until CloseAll (vacuum).
    /// workersStopped: true once no worker accepts any more (their scoreboard slots say so). It is
    /// awaited first, for one second at most (a few ms in practice), so that no serving thread of a
    /// worker that has not yet seen its stop is woken by a socket that no longer listens.
    /// </summary>
    public unsafe void StopListening(Func<bool> workersStopped)
    {
        if (_stoppedListening) return; // a second stop signal
        _stoppedListening = true;
        for (var end = DateTime.UtcNow.AddSeconds(1); !workersStopped() && DateTime.UtcNow < end;) Thread.Sleep(2);
        foreach (var l in _listeners)
        {
            try { l.Socket.Shutdown(SocketShutdown.Receive); }
            catch (SocketException e) { log.Warning("could not stop listening on {Name}: {Reason}", l.Spec.Name, e.Message); }
            Libc.SetNonBlocking(l.Fd); // as the workers set it: the drain below must never block
            uint length = 0;
            for (int fd; (fd = Libc.Accept4(l.Fd, null, ref length, Libc.SOCK_CLOEXEC)) >= 0;) Libc.Close(fd);
        }
    }

    /// <summary>Closes every socket; with vacuum, removes the unix socket files it created (inode unchanged).</summary>
    public void CloseAll(bool vacuum)
    {
        foreach (var l in _listeners) Close(l, vacuum);
        _listeners = [];
        foreach (var s in _activated) s.Dispose();
        _activated.Clear();
    }

    private void Close(Listener l, bool unlink)
    {
        // Checked before Dispose: .NET unlinks a unix socket's path when the bound socket is disposed.
        bool ours = l.Spec.Family == SocketFamily.Unix && _created.Contains(l) && Libc.Inode(l.Spec.Path!) is ulong inode && inode == l.Inode;
        bool replaced = l.Spec.Family == SocketFamily.Unix && !ours && Libc.Inode(l.Spec.Path!) is not null;
        l.Socket.Dispose();
        if (!unlink || l.Spec.Family != SocketFamily.Unix) return;
        if (ours)
        {
            File.Delete(l.Spec.Path!);
            log.Information("VACUUM: unix socket {Path} removed.", l.Spec.Path);
        }
        else if (replaced)
            log.Warning("VACUUM WARNING: unix socket {Path} changed inode. Skip removal", l.Spec.Path);
    }

    public void Dispose() => CloseAll(vacuum: false);

    private static string KindOf(SocketSpec spec) => spec.Family == SocketFamily.Unix ? "UNIX" : "TCP";

    private static string Describe(SocketSpec spec)
        => spec.Family == SocketFamily.Unix ? spec.Path! : spec.Name;

    private static string FormatEndpoint(IPAddress a, int port)
        => a.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{a}]:{port}" : $"{a}:{port}";
}
