// Overview
// The `admin-http` listener (dotnetwsgi extension), served by the master process on its own task so
// a probe is never queued behind busy workers:
//   GET /metrics  Prometheus text (PrometheusFormatter)
//   GET /healthz  200 while the master loop is alive (its last published snapshot is recent)
//   GET /readyz   200 when at least `admin-ready-workers` workers accept and no stop is under way,
//                 else 503 with the reason
// One request per connection (HTTP/1.0 style, `Connection: close`); heads over 8 KiB or slower
// than socket-timeout are dropped.

using System.Net.Sockets;
using System.Text;
using Serilog;

namespace DotnetWsgi.Manager.Observability;

/// <summary>An answer: status, content type and body.</summary>
public sealed record AdminResponse(int Status, string ContentType, string Body);

public sealed class AdminHttpServer : IDisposable
{
    private const int MaxHead = 8192;
    private readonly ObservabilityListener _listener;
    private readonly Func<string, AdminResponse> _route;
    private readonly TimeSpan _timeout;

    /// <param name="route">Answers a GET for a path (called on the client's task).</param>
    public AdminHttpServer(ObservabilityListener listener, Func<string, AdminResponse> route, TimeSpan timeout)
    {
        _listener = listener;
        _route = route;
        _timeout = timeout;
        _listener.Start(ServeAsync);
    }

    public string Address => _listener.Address;
    public System.Net.EndPoint LocalEndPoint => _listener.LocalEndPoint;

    public static AdminHttpServer Start(string address, Func<string, AdminResponse> route, TimeSpan timeout, ILogger log)
        => new(ObservabilityListener.Bind("admin-http", address, log), route, timeout);

    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(_timeout);
        string? head = await ReadHeadAsync(client, deadline.Token);
        if (head is null) return;
        var parts = head[..Math.Max(0, head.IndexOf('\r'))].Split(' ');
        AdminResponse response;
        bool isHead = parts[0] == "HEAD";
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            response = new(400, "text/plain", "bad request\n");
        else if (parts[0] != "GET" && !isHead)
            response = new(405, "text/plain", "only GET and HEAD\n");
        else
            response = _route(parts[1].Split('?')[0]);
        var bytes = Encode(response, isHead);
        int sent = 0;
        while (sent < bytes.Length)
            sent += await client.SendAsync(bytes.AsMemory(sent), SocketFlags.None, deadline.Token);
        client.Shutdown(SocketShutdown.Both);
    }

    /// <summary>The request head up to the blank line, or null when the client stopped or sent too much.</summary>
    private static async Task<string?> ReadHeadAsync(Socket client, CancellationToken token)
    {
        var buffer = new byte[MaxHead];
        int filled = 0;
        while (filled < buffer.Length)
        {
            int n = await client.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, token);
            if (n == 0) return null;
            filled += n;
            int end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
            if (end >= 0) return Encoding.Latin1.GetString(buffer, 0, end + 2);
        }
        return null;
    }

    private static byte[] Encode(AdminResponse r, bool isHead)
    {
        var body = Encoding.UTF8.GetBytes(r.Body);
        string head = $"HTTP/1.1 {r.Status} {Reason(r.Status)}\r\nContent-Type: {r.ContentType}\r\nContent-Length: {body.Length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
        var h = Encoding.ASCII.GetBytes(head);
        return isHead ? h : [.. h, .. body];
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "Error",
    };

    public void Dispose() => _listener.Dispose();
}
