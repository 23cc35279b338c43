// Socket activation (systemd's LISTEN_FDS protocol): when LISTEN_PID is this process, fds 3 ..
// 3+LISTEN_FDS-1 are listening sockets someone else bound. As uWSGI does, a passed socket is used
// only when a configured socket names its address (so an unrelated inherited fd is never served):
// Apply() takes the matching passed socket instead of binding. Passed sockets no configured socket
// names are logged and closed on exec (workers do not inherit them). The variables are removed from
// the environment, so workers and reloads do not see them.

using System.Net;
using System.Net.Sockets;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Master;

public sealed partial class ListenerSet
{
    private const int FirstPassedFd = 3; // SD_LISTEN_FDS_START
    private readonly List<Socket> _activated = [];

    /// <summary>Takes the sockets passed by systemd (or systemd-socket-activate). Returns how many.</summary>
    public int AdoptActivatedSockets(Func<string, string?> env, int pid)
    {
        if (env("LISTEN_PID") is not string listenPid || env("LISTEN_FDS") is not string listenFds) return 0;
        foreach (var name in new[] { "LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES" }) Environment.SetEnvironmentVariable(name, null);
        if (!int.TryParse(listenPid, out int forPid) || forPid != pid) return 0; // meant for another process
        if (!int.TryParse(listenFds, out int count) || count < 0)
            throw new MasterStartupException($"LISTEN_FDS = \"{listenFds}\" is not a number of file descriptors");
        for (int fd = FirstPassedFd; fd < FirstPassedFd + count; fd++)
        {
            Libc.SetCloseOnExec(fd, true); // until a configured socket claims it
            _activated.Add(new Socket(new SafeSocketHandle(fd, ownsHandle: true)));
        }
        log.Information("systemd socket activation: {Count} socket(s) passed", count);
        return count;
    }

    /// <summary>Passed sockets that no configured socket claimed.</summary>
    public IEnumerable<string> UnclaimedActivatedSockets => _activated.Select(s => $"fd {(int)s.SafeHandle.DangerousGetHandle()} ({s.LocalEndPoint})");

    /// <summary>The passed socket listening on spec's address, now owned by this set; null when none.</summary>
    private Listener? TakeActivated(SocketSpec spec)
    {
        var socket = _activated.FirstOrDefault(s => Matches(s, spec));
        if (socket is null) return null;
        _activated.Remove(socket);
        int fd = (int)socket.SafeHandle.DangerousGetHandle();
        Libc.SetCloseOnExec(fd, false);
        ulong? inode = spec.Family == SocketFamily.Unix ? Libc.Inode(spec.Path!) : null;
        return new Listener(spec, socket, fd, inode); // not in _created: vacuum leaves systemd's socket file alone
    }

    private static bool Matches(Socket socket, SocketSpec spec)
    {
        try
        {
            return (socket.LocalEndPoint, spec.Family) switch
            {
                (UnixDomainSocketEndPoint u, SocketFamily.Unix) => PathOf(u) == Path.GetFullPath(spec.Path!),
                (IPEndPoint ip, SocketFamily.Tcp) => ip.Port == spec.Port && SameAddress(ip.Address, ResolveHost(spec)),
                _ => false,
            };
        }
        catch (SocketException) { return false; } // not a socket, or not bound
    }

    private static string PathOf(UnixDomainSocketEndPoint endpoint)
    {
        string text = endpoint.ToString();
        return text.StartsWith('/') ? Path.GetFullPath(text) : text;
    }

    private static bool SameAddress(IPAddress passed, IPAddress wanted)
    {
        if (passed.IsIPv4MappedToIPv6) passed = passed.MapToIPv4();
        if (wanted.IsIPv4MappedToIPv6) wanted = wanted.MapToIPv4();
        return passed.Equals(wanted);
    }
}
