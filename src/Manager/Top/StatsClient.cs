// Overview
// Reads one stats document from a running instance's stats socket, whichever way it serves it:
// a plain stats server writes as soon as a client connects; a `stats-http` one waits for request
// bytes. So the client connects, waits briefly for data, and only if none comes sends a request
// (sending at once would leave unread bytes at a plain server, whose close would then reset the
// connection and could cut the document short). An HTTP head in front of the JSON is dropped.

using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DotnetWsgi.Manager.Top;

public sealed class StatsClient(string address, TimeSpan timeout)
{
    private static readonly TimeSpan PlainGrace = TimeSpan.FromMilliseconds(300);

    public string Address => address;

    public async Task<string> FetchAsync(CancellationToken token)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(token);
        deadline.CancelAfter(timeout);
        using var socket = await ConnectAsync(deadline.Token);
        var data = new List<byte>();
        var buffer = new byte[16384];
        using (var grace = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token))
        {
            grace.CancelAfter(PlainGrace);
            try { if (await ReadSomeAsync(socket, buffer, data, grace.Token) == 0) return Body(data); }
            catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
            {
                await socket.SendAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray(), SocketFlags.None, deadline.Token);
            }
        }
        while (await ReadSomeAsync(socket, buffer, data, deadline.Token) > 0) { }
        return Body(data);
    }

    private static async Task<int> ReadSomeAsync(Socket socket, byte[] buffer, List<byte> data, CancellationToken token)
    {
        int n = await socket.ReceiveAsync(buffer, SocketFlags.None, token);
        data.AddRange(buffer.AsSpan(0, n));
        return n;
    }

    private async Task<Socket> ConnectAsync(CancellationToken token)
    {
        if (!address.Contains(':'))
        {
            var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await unix.ConnectAsync(new UnixDomainSocketEndPoint(address), token);
            return unix;
        }
        int colon = address.LastIndexOf(':');
        string host = address[..colon].Trim('[', ']');
        if (!int.TryParse(address[(colon + 1)..], out int port)) throw new FormatException($"'{address}' has no port number");
        var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await tcp.ConnectAsync(host.Length == 0 ? "127.0.0.1" : host, port, token);
        return tcp;
    }

    private static string Body(List<byte> data)
    {
        string text = Encoding.UTF8.GetString(data.ToArray());
        if (!text.StartsWith("HTTP/", StringComparison.Ordinal)) return text;
        int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return end < 0 ? "" : text[(end + 4)..];
    }
}
