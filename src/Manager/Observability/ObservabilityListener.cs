// Overview
// A listening socket for the stats server and the admin HTTP listener, addressed as uWSGI addresses
// its stats socket: `host:port` (empty host = every interface) is TCP, anything else is a unix
// socket path. A stale unix socket file is replaced; the file is removed again on Dispose, so
// nothing is left behind at exit. Each accepted connection is served on its own task with deadlines,
// so a slow or silent client only ever holds itself up.

using System.Net;
using System.Net.Sockets;
using DotnetWsgi.Native.Interop;
using Serilog;

namespace DotnetWsgi.Manager.Observability;

/// <summary>A listener with an address that is not usable: one line for the user.</summary>
public sealed class ObservabilityAddressException(string message) : Exception(message);

public sealed class ObservabilityListener : IDisposable
{
    private readonly Socket _socket;
    private readonly string? _unixPath;
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _log;
    private Task _acceptLoop = Task.CompletedTask;
    private int _disposed;

    private ObservabilityListener(Socket socket, string? unixPath, string name, ILogger log)
    {
        _socket = socket;
        _unixPath = unixPath;
        Name = name;
        _log = log;
    }

    /// <summary>The option that configured it, for messages (`stats`, `admin-http`).</summary>
    public string Name { get; }
    public EndPoint LocalEndPoint => _socket.LocalEndPoint!;
    public int Fd => (int)_socket.Handle;

    /// <summary>How the bound address reads in logs: `127.0.0.1:9191` or the unix path.</summary>
    public string Address => _unixPath ?? ((IPEndPoint)LocalEndPoint).ToString();

    public static ObservabilityListener Bind(string option, string address, ILogger log)
    {
        try
        {
            return address.Contains(':') ? BindTcp(option, address, log) : BindUnix(option, address, log);
        }
        catch (SocketException e)
        {
            throw new ObservabilityAddressException($"{option} = {address}: cannot listen: {e.Message}");
        }
    }

    private static ObservabilityListener BindTcp(string option, string address, ILogger log)
    {
        int colon = address.LastIndexOf(':');
        string host = address[..colon].Trim('[', ']');
        if (!int.TryParse(address[(colon + 1)..], out int port) || port is < 0 or > 65535)
            throw new ObservabilityAddressException($"{option} = {address}: the port must be a number 0..65535");
        IPAddress ip = host.Length == 0 ? IPAddress.Any
            : IPAddress.TryParse(host, out var parsed) ? parsed
            : Dns.GetHostAddresses(host).FirstOrDefault() ?? throw new ObservabilityAddressException($"{option} = {address}: unknown host {host}");
        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(ip, port));
        socket.Listen(64);
        Libc.SetCloseOnExec((int)socket.Handle, true);
        return new ObservabilityListener(socket, null, option, log);
    }

    private static ObservabilityListener BindUnix(string option, string path, ILogger log)
    {
        if (Libc.IsSocket(path)) File.Delete(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen(64);
        Libc.SetCloseOnExec((int)socket.Handle, true);
        return new ObservabilityListener(socket, path, option, log);
    }

    /// <summary>Accepts on a long-running task and serves each connection with serve (which must not throw).</summary>
    public void Start(Func<Socket, CancellationToken, Task> serve)
    {
        _acceptLoop = Task.Factory.StartNew(() => AcceptLoopAsync(serve), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    private async Task AcceptLoopAsync(Func<Socket, CancellationToken, Task> serve)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _socket.AcceptAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException e)
            {
                _log.Warning("{Listener}: accept failed: {Reason}", Name, e.Message);
                continue;
            }
            _ = ServeOneAsync(client, serve);
        }
    }

    private async Task ServeOneAsync(Socket client, Func<Socket, CancellationToken, Task> serve)
    {
        using (client)
        {
            try { await serve(client, _stop.Token); }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
                _log.Debug("{Listener}: client gone: {Reason}", Name, e.Message);
            }
            catch (Exception e)
            {
                _log.Error(e, "{Listener}: serving a client failed: {Reason}", Name, e.Message);
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stop.Cancel();
        _socket.Dispose();
        try { _acceptLoop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        if (_unixPath is not null && Libc.IsSocket(_unixPath)) File.Delete(_unixPath);
        _stop.Dispose();
    }
}
