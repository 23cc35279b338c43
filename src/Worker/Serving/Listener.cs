// One inherited listening socket: its fd, the options entry that declared it (so its protocol is
// known) and the SERVER_PORT text its requests carry.

using System.Text;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Worker.Serving;

public sealed unsafe class Listener
{
    public Listener(int fd, SocketSpec spec)
    {
        Fd = fd;
        Spec = spec;
        IsUnix = spec.Family == SocketFamily.Unix;
        ServerPort = Encoding.ASCII.GetBytes(IsUnix ? "80" : BoundPort(fd, spec).ToString());
    }

    public int Fd { get; }
    public SocketSpec Spec { get; }
    public bool IsUnix { get; }
    public SocketProtocol Protocol => Spec.Protocol;
    public byte[] ServerPort { get; }
    /// <summary>
    /// TCP_NODELAY is set on the listening socket, so every accepted socket inherits it (Linux
    /// copies it at accept) and needs no setsockopt of its own: one syscall less per connection.
    /// </summary>
    public bool NoDelayInherited { get; set; }

    /// <summary>The port the socket really listens on (the spec says 0 when the port was auto-assigned).</summary>
    private static int BoundPort(int fd, SocketSpec spec)
    {
        byte* sa = stackalloc byte[128];
        uint len = 128;
        if (Libc.GetSockName(fd, sa, ref len) != 0) return spec.Port;
        return (sa[2] << 8) | sa[3];
    }

    public override string ToString() => $"{Spec.Option} {Spec.Name} (fd {Fd})";
}
