#pragma warning disable CA1416 // Linux-only test
using System.Net;
using System.Net.Sockets;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Master;
using DotnetWsgi.Manager.Tests.Support;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Master;

public class ListenerSetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dnw-listen-").FullName;
    private readonly CollectingSink _log = new();

    private static SocketSpec Tcp(string host, int port) => new("socket", $"{host}:{port}", SocketProtocol.Uwsgi, SocketFamily.Tcp, host, port, null);
    private static SocketSpec Unix(string path) => new("socket", path, SocketProtocol.Uwsgi, SocketFamily.Unix, null, 0, path);

    [Fact]
    public void Apply_BindsTcpSocket_InheritableWithUwsgiBanner()
    {
        using var set = new ListenerSet(64, _log.CreateLogger());
        set.Apply([Tcp("127.0.0.1", 0)]);
        var l = set.Listeners.Single();
        Assert.False(Libc.IsCloseOnExec(l.Fd));
        Assert.Equal(l.Fd.ToString(), set.Fds);
        Assert.True(_log.Contains($"uwsgi socket 0 bound to TCP address 127.0.0.1:0 fd {l.Fd}"));
        using var client = new TcpClient();
        client.Connect((IPEndPoint)l.Socket.LocalEndPoint!);
    }

    private static int ReusePort(Socket socket)
    {
        var value = new byte[4];
        socket.GetRawSocketOption(1, 15, value); // SOL_SOCKET, SO_REUSEPORT
        return BitConverter.ToInt32(value);
    }

    [Fact]
    public void ASecondSet_OnTheSameAddress_FailsToBind()
    {
        // Two instances on one address would otherwise split the connections between two apps.
        using var first = new ListenerSet(64, _log.CreateLogger());
        first.Apply([Tcp("127.0.0.1", 0)]);
        int port = ((IPEndPoint)first.Listeners.Single().Socket.LocalEndPoint!).Port;
        using var second = new ListenerSet(64, _log.CreateLogger());

        var e = Assert.Throws<MasterStartupException>(() => second.Apply([Tcp("127.0.0.1", port)]));

        Assert.Contains($"127.0.0.1:{port}", e.Message);
        Assert.Equal(0, ReusePort(first.Listeners.Single().Socket));
    }

    [Fact]
    public void WithReusePort_BothSetsBind_AndTheKernelSharesTheAddress()
    {
        using var first = new ListenerSet(64, _log.CreateLogger(), reusePort: true);
        first.Apply([Tcp("127.0.0.1", 0)]);
        int port = ((IPEndPoint)first.Listeners.Single().Socket.LocalEndPoint!).Port;
        using var second = new ListenerSet(64, _log.CreateLogger(), reusePort: true);

        second.Apply([Tcp("127.0.0.1", port)]);

        Assert.Equal(1, ReusePort(second.Listeners.Single().Socket));
    }

    [Fact]
    public void Apply_FailsNamingTheAddress_WhenPortIsInUse()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var set = new ListenerSet(64, _log.CreateLogger());
        var e = Assert.Throws<MasterStartupException>(() => set.Apply([Tcp("127.0.0.1", port)]));
        Assert.Contains($"127.0.0.1:{port}", e.Message);
        Assert.Contains("in use", e.Message);
    }

    [PythonFact]
    public void Apply_ReplacesStaleUnixSocket_WhenNothingListens()
    {
        string path = Path.Combine(_dir, "app.sock");
        // A process that bound the path and exited leaves the file behind (.NET's Dispose would unlink it).
        using (var python = System.Diagnostics.Process.Start(PythonFactAttribute.Python, ["-c", $"import socket; socket.socket(socket.AF_UNIX).bind('{path}')"])!)
            python.WaitForExit();
        Assert.True(Libc.IsSocket(path), "the stale socket file was not created");
        using var set = new ListenerSet(64, _log.CreateLogger());
        set.Apply([Unix(path)]);
        Assert.True(Libc.IsSocket(path));
        using (var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            client.Connect(new UnixDomainSocketEndPoint(path)); // the new socket listens there
        set.CloseAll(vacuum: true);
        Assert.False(File.Exists(path));
        Assert.True(_log.Contains($"VACUUM: unix socket {path} removed."));
    }

    [Fact]
    public void Apply_Fails_WhenAnotherProcessListensOnTheUnixSocket()
    {
        string path = Path.Combine(_dir, "live.sock");
        using var live = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        live.Bind(new UnixDomainSocketEndPoint(path));
        live.Listen();
        using var set = new ListenerSet(64, _log.CreateLogger());
        var e = Assert.Throws<MasterStartupException>(() => set.Apply([Unix(path)]));
        Assert.Contains($"another process is listening on {path}", e.Message);
    }

    [Fact]
    public void Apply_KeepsSocketsStillConfigured_AndClosesRemovedOnes()
    {
        using var set = new ListenerSet(64, _log.CreateLogger());
        string path = Path.Combine(_dir, "reload.sock");
        set.Apply([Tcp("127.0.0.1", 0), Unix(path)]);
        var tcp = set.Listeners[0];
        set.Apply([Tcp("127.0.0.1", 0)]);
        Assert.Same(tcp.Socket, set.Listeners.Single().Socket);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void ApplyUnixPermissions_ChmodsTheSocket()
    {
        string path = Path.Combine(_dir, "perm.sock");
        using var set = new ListenerSet(64, _log.CreateLogger());
        set.Apply([Unix(path)]);
        set.ApplyUnixPermissions(0b110_110_000, null, null); // 0660
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, File.GetUnixFileMode(path));
    }

    public void Dispose() => Directory.Delete(_dir, true);
}
