using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DotnetWsgi.Manager.Tests.Observability;

/// <summary>Test client: connects, optionally sends, reads to EOF, every step with a 30 s deadline.</summary>
internal static class SocketClient
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static async Task<string> ExchangeAsync(EndPoint endPoint, string? send = null)
    {
        using var socket = await ConnectAsync(endPoint);
        if (send is not null) await socket.SendAsync(Encoding.ASCII.GetBytes(send), SocketFlags.None);
        return await ReadToEndAsync(socket);
    }

    public static async Task<Socket> ConnectAsync(EndPoint endPoint)
    {
        var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(Deadline);
        await socket.ConnectAsync(endPoint, cts.Token);
        return socket;
    }

    public static async Task<string> ReadToEndAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(Deadline);
        var data = new List<byte>();
        var buffer = new byte[8192];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0) data.AddRange(buffer.AsSpan(0, n));
        return Encoding.UTF8.GetString(data.ToArray());
    }

    /// <summary>Body of an HTTP response (after the blank line), with its status code.</summary>
    public static (int Status, string Head, string Body) SplitHttp(string response)
    {
        int end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"no HTTP head in: {response}");
        var head = response[..end];
        return (int.Parse(head.Split(' ')[1]), head, response[(end + 4)..]);
    }
}
