// The uwsgi module's signal thread runs handlers in the worker; it starts only once the worker has
// registered a handler (before, it would only wake 50 times a second to poll a table with nothing
// to run). Seen as an app sees it: the threads Python lists, and a handler that runs when signalled.

using DotnetWsgi.TestSupport;

namespace DotnetWsgi.Manager.Tests.Integration;

public sealed class SignalThreadTests
{
    private const string App = """
        import os, threading, uwsgi

        def handler(signum):
            with open(os.path.join(os.environ["OUT_DIR"], "signalled"), "a") as f:
                f.write("%d\n" % signum)

        def application(environ, start_response):
            path = environ["PATH_INFO"]
            if path == "/threads":
                body = ",".join(sorted(t.name for t in threading.enumerate()))
            elif path == "/register":
                uwsgi.register_signal(17, "worker", handler)
                body = "registered"
            elif path == "/signal":
                uwsgi.signal(17)
                body = "sent"
            else:
                body = str(os.getpid())
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [body.encode()]
        """;

    [BinaryFact]
    public void TheSignalThread_StartsWithTheFirstHandler_AndRunsIt()
    {
        int port = Repo.FreePort();
        string outDir = Repo.TempDir("dnw-signal-out");
        try
        {
            using var master = new MasterInstance(
                $"[uwsgi]\nhttp-socket = 127.0.0.1:{port}\nwsgi-file = app.py\nchdir = %d\nprocesses = 1\nenv = OUT_DIR={outDir}\n",
                files: new Dictionary<string, string> { ["app.py"] = App }) { Port = port };
            master.WaitServing();

            Assert.DoesNotContain("uwsgi-signals", master.Get("/threads"));

            Assert.Equal("registered", master.Get("/register"));
            Assert.Contains("uwsgi-signals", master.Get("/threads"));
            Assert.Equal("sent", master.Get("/signal"));
            string signalled = Path.Combine(outDir, "signalled");
            master.Until(() => File.Exists(signalled) && File.ReadAllText(signalled) == "17\n", "the handler to run once");
        }
        finally
        {
            Directory.Delete(outDir, true);
        }
    }
}
