using System.Net;
using System.Net.Sockets;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Observability;

namespace DotnetWsgi.Manager.Tests.Observability;

public sealed class KernelProbeTests
{
    private const string Listening = "   3: 0100007F:4952 00000000:0000 0A 00000000:00000005 00:00000000 00000000     0        0 123456 1 0000000000000000 100 0 0 10 0";
    private const string Established = "   4: 0100007F:4952 0100007F:C350 01 00000000:00000007 00:00000000 00000000     0        0 123457 1 0000000000000000 20 4 30 10 -1";

    [Fact]
    public void ParseListenLine_ReadsRxQueue_OfTheListenSocketByInodeOrPort()
    {
        Assert.Equal(5, KernelProbe.ParseListenLine(Listening, 123456, 0));
        Assert.Equal(5, KernelProbe.ParseListenLine(Listening, null, 0x4952));
        Assert.Null(KernelProbe.ParseListenLine(Listening, 999, 0x4952));
        Assert.Null(KernelProbe.ParseListenLine(Listening, null, 80));
        Assert.Null(KernelProbe.ParseListenLine(Established, null, 0x4952));
    }

    [Fact]
    public async Task ListenQueue_CountsConnectionsNotYetAccepted()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var view = new ListenerView($"127.0.0.1:{port}", SocketProtocol.Http, 16, SocketFamily.Tcp, null);
        var clients = new List<Socket>();
        try
        {
            for (int i = 0; i < 3; i++) clients.Add(await SocketClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)));
            var probe = new KernelProbe();
            await Wait.UntilAsync(() => probe.ListenQueue(view) == 3, "three connections in the accept queue", SocketClient.Deadline);
            Assert.Equal(3, probe.ListenQueue(view));
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }

    [Fact]
    public void Memory_ReadsThisProcessFromStatm()
    {
        var memory = new KernelProbe().Memory(Environment.ProcessId);
        Assert.NotNull(memory);
        Assert.InRange(memory.Value.Rss, 1, memory.Value.Vsz);
        Assert.Null(new KernelProbe().Memory(0));
    }
}
