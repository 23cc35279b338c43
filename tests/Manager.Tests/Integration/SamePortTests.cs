// A second instance started on an address the first one listens on fails at start with the address
// in its error, as uWSGI does ("Address already in use"); the first keeps every connection. Before,
// .NET's ReuseAddress option set SO_REUSEPORT too: the second instance bound without a word and the
// kernel split the connections between the two apps. `reuse-port` asks for that sharing explicitly.

using DotnetWsgi.TestSupport;

namespace DotnetWsgi.Manager.Tests.Integration;

public sealed class SamePortTests
{
    private static string Ini(int port, string app, string extra = "")
        => $"[uwsgi]\nhttp-socket = 127.0.0.1:{port}\nwsgi-file = {app}\nchdir = %d\nprocesses = 1\n{extra}";

    private static Dictionary<string, string> App(string name, string body) => new()
    {
        [name] = $"def application(environ, start_response):\n    start_response('200 OK', [('Content-Type', 'text/plain')])\n    return [b'{body}']\n",
    };

    /// <summary>One request on a new connection (a new client), so the kernel picks the listener each time.</summary>
    private static string FreshGet(int port)
    {
        using var client = new HttpClient();
        return client.GetStringAsync($"http://127.0.0.1:{port}/").GetAwaiter().GetResult();
    }

    [BinaryFact]
    public void ASecondInstance_OnTheSameAddress_FailsToStart_AndTheFirstKeepsEveryConnection()
    {
        int port = Repo.FreePort();
        using var first = new MasterInstance(Ini(port, "one.py"), files: App("one.py", "one")) { Port = port, ReadyPath = "/" };
        first.WaitServing();

        using var second = new MasterInstance(Ini(port, "two.py"), files: App("two.py", "two")) { Port = port, ReadyPath = "/" };
        int code = second.Process.WaitForExit();

        Assert.NotEqual(0, code);
        Assert.Contains(second.Output, l => l.Contains($"127.0.0.1:{port}", StringComparison.Ordinal) && l.Contains("in use", StringComparison.Ordinal));
        for (int i = 0; i < 20; i++) Assert.Equal("one", FreshGet(port));
    }

    [BinaryFact]
    public void WithReusePort_BothInstancesBind_AndShareTheConnections()
    {
        int port = Repo.FreePort();
        using var first = new MasterInstance(Ini(port, "one.py", "reuse-port = true\n"), files: App("one.py", "one")) { Port = port, ReadyPath = "/" };
        first.WaitServing();
        using var second = new MasterInstance(Ini(port, "two.py", "reuse-port = true\n"), files: App("two.py", "two")) { Port = port, ReadyPath = "/" };
        second.Until(() => second.WorkerPids().Count == 1 && second.Logged("ready on mountpoint"), "the second instance's worker to load its app");

        var seen = new HashSet<string>();
        Wait.Until(() => { seen.Add(FreshGet(port)); return seen.Count == 2; },
            "answers from both instances (new connections are spread by the kernel)");
    }
}
