// Runs a WorkerServer in-process over real loopback sockets bound here and handed over by fd, as the
// worker receives them from the master. Dispose stops the server and releases everything.

using System.Net;
using System.Net.Sockets;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Native;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Serving;
using Serilog;

namespace DotnetWsgi.Worker.Tests.Serving;

public sealed class ServingFixture : IDisposable
{
    private readonly List<Socket> _sockets = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("dnw-serving-").FullName;

    public ServingFixture(Action<RequestContext> app, Func<ServerOptions, ServerOptions>? configure = null,
        SocketProtocol protocol = SocketProtocol.Http, bool unix = false, RecyclePolicy? recycle = null)
        : this(new DelegateHost(app), configure, protocol, unix, recycle)
    {
    }

    /// <summary>Serves with any host, e.g. the real Python host (which the caller owns and disposes).</summary>
    public ServingFixture(IApplicationHost host, Func<ServerOptions, ServerOptions>? configure = null,
        SocketProtocol protocol = SocketProtocol.Http, bool unix = false, RecyclePolicy? recycle = null)
    {
        AppHost = host;
        var spec = unix ? BindUnix(protocol) : BindTcp(protocol);
        var options = new ServerOptions { Sockets = [spec], Threads = 1, SocketTimeout = 2 };
        Options = configure?.Invoke(options) ?? options;
        Logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(Sink).CreateLogger();
        Scoreboard = Scoreboard.Create(Path.Combine(_dir, "scoreboard"), 1, Math.Max(1, Options.Threads));
        var listeners = _sockets.Select((s, i) => new Listener((int)s.Handle, Options.Sockets[i])).ToList();
        Server = new WorkerServer(Options, listeners, AppHost, Logger, Scoreboard, 1, recycle: recycle);
        Server.Start();
    }

    public IApplicationHost AppHost { get; }
    /// <summary>The test's delegate host (only for the delegate constructor).</summary>
    public DelegateHost Host => (DelegateHost)AppHost;
    public ServerOptions Options { get; }
    public CollectingSink Sink { get; } = new();
    public Serilog.Core.Logger Logger { get; }
    public Scoreboard Scoreboard { get; }
    public WorkerServer Server { get; }
    public EndPoint EndPoint => _sockets[0].LocalEndPoint!;

    public TestClient Connect() => new(EndPoint);

    private SocketSpec BindTcp(SocketProtocol protocol)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        s.Listen(64);
        _sockets.Add(s);
        int port = ((IPEndPoint)s.LocalEndPoint!).Port;
        return new SocketSpec(protocol == SocketProtocol.Http ? "http-socket" : "socket", $"127.0.0.1:{port}", protocol, SocketFamily.Tcp, "127.0.0.1", port, null);
    }

    private SocketSpec BindUnix(SocketProtocol protocol)
    {
        var path = Path.Combine(_dir, "s.sock");
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Bind(new UnixDomainSocketEndPoint(path));
        s.Listen(64);
        _sockets.Add(s);
        return new SocketSpec(protocol == SocketProtocol.Http ? "http-socket" : "socket", path, protocol, SocketFamily.Unix, null, 0, path);
    }


    public void Dispose()
    {
        Server.Dispose();
        Scoreboard.Dispose();
        foreach (var s in _sockets) s.Dispose();
        Logger.Dispose();
        Repo.DeleteDir(_dir);
    }
}
