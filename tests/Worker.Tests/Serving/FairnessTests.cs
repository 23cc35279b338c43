// A serving thread does not monopolise itself with one keep-alive client while others wait.

using System.Collections.Concurrent;
using DotnetWsgi.Worker.Hosting;

namespace DotnetWsgi.Worker.Tests.Serving;

public sealed class FairnessTests
{
    [Fact]
    public void KeepAlive_ServesAWaitingClient_BeforeTheSameClientsNextRequest()
    {
        var seen = new ConcurrentQueue<string>();
        using var gate = new ManualResetEventSlim();
        void App(RequestContext ctx)
        {
            var path = ctx.Vars.GetString("PATH_INFO")!;
            seen.Enqueue(path);
            if (path == "/a1") gate.Wait(TimeSpan.FromSeconds(30)); // the only thread is busy here
            Apps.Pieces(path)(ctx);
        }
        using var f = new ServingFixture(App); // one thread
        using var a = f.Connect();
        a.Send("GET /a1 HTTP/1.1\r\n\r\n");
        Wait.Until(() => seen.Contains("/a1"), "the first request to reach the app");
        using var b = f.Connect(); // queued for accept while the thread is busy
        b.Send("GET /b HTTP/1.1\r\n\r\n");
        a.Send("GET /a2 HTTP/1.1\r\n\r\n"); // A's next request is ready too when /a1 ends
        gate.Set();

        var bodies = new[] { a.ReadResponse().Body, b.ReadResponse().Body, a.ReadResponse().Body };

        Assert.Equal(new[] { "/a1", "/b", "/a2" }, seen.ToArray()); // B first, although A asked again
        Assert.Equal(new[] { "/a1", "/b", "/a2" }, bodies);
    }
}
