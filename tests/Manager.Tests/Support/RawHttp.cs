// A client on a plain socket, for tests that must control the connection itself (which one is
// reused, when it is opened or closed): HttpClient pools connections out of the test's sight.

using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DotnetWsgi.Manager.Tests.Support;

public static class RawHttp
{
    public static Socket Connect(int port)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 60_000, SendTimeout = 60_000 };
        s.Connect(new IPEndPoint(IPAddress.Loopback, port));
        return s;
    }

    /// <summary>Sends GET path and reads one 200 response by its Content-Length; returns the body.</summary>
    public static string Exchange(Socket s, string path, bool keepAlive)
    {
        s.Send(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: x\r\n{(keepAlive ? "" : "Connection: close\r\n")}\r\n"));
        var data = new List<byte>();
        var buffer = new byte[4096];
        int headEnd = -1, length = -1;
        while (headEnd < 0 || data.Count < headEnd + length)
        {
            int got = s.Receive(buffer);
            if (got == 0) throw new Exception($"connection closed after {data.Count} bytes: {Encoding.ASCII.GetString(data.ToArray())}");
            data.AddRange(buffer.AsSpan(0, got).ToArray());
            if (headEnd >= 0) continue;
            string text = Encoding.ASCII.GetString(data.ToArray());
            int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0) continue;
            Assert.StartsWith("HTTP/1.1 200", text);
            headEnd = end + 4;
            var cl = text[..end].Split("\r\n").Single(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            length = int.Parse(cl["Content-Length:".Length..].Trim());
        }
        return Encoding.ASCII.GetString(data.ToArray(), headEnd, length);
    }
}
