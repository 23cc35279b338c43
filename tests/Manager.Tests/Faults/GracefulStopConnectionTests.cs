// A connection that arrives while the instance stops gracefully is refused at once (so nginx moves
// to the next upstream), never left waiting in the accept queue until the master exits and then
// reset. The request in flight at the stop still completes (BinaryTests, MasterProcessTests).

using System.Net.Sockets;
using System.Text;
using DotnetWsgi.Manager.Tests.Integration;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Faults;

[Collection("real processes")]
public class GracefulStopConnectionTests
{
    [BinaryFact]
    public void NewConnection_DuringAGracefulStop_IsRefused_WhileTheRequestInFlightRuns()
    {
        using var dn = new BinaryInstance(1).WaitServing();
        var inFlight = Task.Run(() => dn.Get("/sleep?s=20")); // keeps the master draining for 20 s
        dn.WaitInFlight("GET /sleep?s=20");
        Libc.Kill(dn.Pid, Signals.SIGTERM);
        dn.WaitLogged("graceful shutdown triggered");

        // Until the stop has reached the listener a connection may still be accepted and served; after
        // it, every connection must be refused while the request in flight still runs. A connection
        // that is accepted by the kernel and then answered by nobody fails here (no answer within 10 s).
        var outcomes = new List<string>();
        Wait.Until(() =>
        {
            string outcome = Probe(dn.Port);
            outcomes.Add(outcome);
            return outcome == "refused";
        }, "a new connection to be refused");
        Assert.All(outcomes, o => Assert.Contains(o, new[] { "refused", "served", "reset" }));
        Assert.False(inFlight.IsCompleted, "the request in flight ended before the probe: the test proves nothing");
    }

    /// <summary>Connects and sends a request: "refused", "served" (a complete response), "reset", or "no answer".</summary>
    private static string Probe(int port)
    {
        using var client = new TcpClient();
        try { client.Connect("127.0.0.1", port); }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused) { return "refused"; }
        client.ReceiveTimeout = 10_000;
        try
        {
            var stream = client.GetStream();
            stream.Write(Encoding.ASCII.GetBytes("GET /pid HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
            string reply = new StreamReader(stream).ReadToEnd();
            return reply.StartsWith("HTTP/1.1 200") ? "served" : reply.Length == 0 ? "reset" : $"partial: {reply}";
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock })
        {
            return "no answer";
        }
        catch (IOException) { return "reset"; }
    }
}
