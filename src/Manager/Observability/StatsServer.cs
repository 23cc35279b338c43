// Overview
// uWSGI's stats server: on accept, write one JSON document and close; the client
// sends nothing. With `stats-http` it first waits up to socket-timeout for any request bytes
// (content ignored), then answers HTTP/1.0 with uWSGI's headers. The document is rendered from the
// latest published snapshot on the connection's own task, never on the master loop, and every read
// and write has the socket-timeout deadline, so a silent or slow client holds up nothing else.

using System.Net.Sockets;
using System.Text;
using Serilog;

namespace DotnetWsgi.Manager.Observability;

public sealed class StatsServer : IDisposable
{
    internal const string HttpHead = "HTTP/1.0 200 OK\r\nConnection: close\r\nAccess-Control-Allow-Origin: *\r\nContent-Type: application/json\r\n\r\n";

    private readonly ObservabilityListener _listener;
    private readonly Func<string> _render;
    private readonly bool _http;
    private readonly TimeSpan _timeout;

    /// <param name="render">Renders the current document (called on the client's task).</param>
    public StatsServer(ObservabilityListener listener, Func<string> render, bool http, TimeSpan timeout)
    {
        _listener = listener;
        _render = render;
        _http = http;
        _timeout = timeout;
        _listener.Start(ServeAsync);
    }

    public string Address => _listener.Address;
    public System.Net.EndPoint LocalEndPoint => _listener.LocalEndPoint;
    public int Fd => _listener.Fd;

    public static StatsServer Start(string address, Func<string> render, bool http, TimeSpan timeout, ILogger log)
        => new(ObservabilityListener.Bind("stats", address, log), render, http, timeout);

    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(_timeout);
        if (_http)
        {
            var buffer = new byte[4096];
            if (await client.ReceiveAsync(buffer, SocketFlags.None, deadline.Token) == 0) return;
        }
        string body = _render();
        var bytes = Encoding.UTF8.GetBytes(_http ? HttpHead + body : body);
        int sent = 0;
        while (sent < bytes.Length)
            sent += await client.SendAsync(bytes.AsMemory(sent), SocketFlags.None, deadline.Token);
        client.Shutdown(SocketShutdown.Both);
    }

    public void Dispose() => _listener.Dispose();
}
