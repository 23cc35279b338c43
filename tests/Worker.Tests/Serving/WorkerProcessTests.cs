// The real worker process end to end: the published executable started as the master starts it
// (worker contract in the environment, the listening socket inherited by fd), hosting a Python
// WSGI app through the embedded CPython host. This test process plays the master.

using System.Net;
using System.Net.Sockets;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Worker.Tests.Serving;

public sealed class WorkerProcessTests : IDisposable
{
    private const string LibPython = "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0";
    private readonly string _dir = Directory.CreateTempSubdirectory("dnw-workerproc-").FullName;
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private TestProcess? _worker;


    /// <summary>Skips (saying why) without the published binary (./build.sh) or the system libpython.</summary>
    public sealed class WorkerProcessFactAttribute : FactAttribute
    {
        public WorkerProcessFactAttribute()
        {
            if (!File.Exists(Repo.Binary)) Skip = $"the published executable is missing ({Repo.Binary}): run ./build.sh first";
            else if (!File.Exists(LibPython)) Skip = $"libpython is not installed at {LibPython}";
        }
    }

    public WorkerProcessTests()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        Libc.SetCloseOnExec((int)_listener.Handle, false); // the worker inherits it, as from the master
    }

    private int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    private Scoreboard StartWorker(string app)
    {
        File.WriteAllText(Path.Combine(_dir, "app.py"), app);
        var options = new ServerOptions
        {
            Sockets = [new SocketSpec("http-socket", $"127.0.0.1:{Port}", SocketProtocol.Http, SocketFamily.Tcp, "127.0.0.1", Port, null)],
            Threads = 2,
            WsgiFile = Path.Combine(_dir, "app.py"),
            Chdir = _dir,
        };
        File.WriteAllText(Path.Combine(_dir, "options.json"), ServerOptionsJson.Serialize(options));
        var scoreboard = Scoreboard.Create(Path.Combine(_dir, "scoreboard"), 1, 2);
        _worker = new TestProcess(Repo.Binary, [], environment: new Dictionary<string, string>
        {
            [WorkerContract.WorkerIdVar] = "1",
            [WorkerContract.GenerationVar] = "1",
            [WorkerContract.ConfigVar] = Path.Combine(_dir, "options.json"),
            [WorkerContract.FdsVar] = ((int)_listener.Handle).ToString(),
            [WorkerContract.ScoreboardVar] = scoreboard.Path,
            [WorkerContract.MasterPidVar] = Environment.ProcessId.ToString(),
        });
        return scoreboard;
    }

    [WorkerProcessFact]
    public void Worker_ServesAWsgiApp_AndStopsGracefullyOnSigterm()
    {
        using var scoreboard = StartWorker("""
            def application(environ, start_response):
                body = environ["wsgi.input"].read()
                start_response("200 OK", [("Content-Type", "text/plain")])
                return [environ["REQUEST_METHOD"].encode(), b" ", environ["PATH_INFO"].encode(), b" ", body]
            """);
        Wait.Until(() => scoreboard.Slot(1).State == WorkerSlotState.Accepting || _worker!.HasExited, "the worker to accept");
        if (_worker!.HasExited) Assert.Fail($"worker exited {_worker.WaitForExit()}: {_worker.Output}");
        Assert.Equal(_worker.Pid, scoreboard.Slot(1).Pid);

        using (var c = new TestClient(_listener.LocalEndPoint!))
        {
            c.Send("POST /a%20b HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n");
            var first = c.ReadResponse();
            c.Send("GET /again HTTP/1.1\r\nHost: t\r\n\r\n");
            var second = c.ReadResponse();
            Assert.Equal("POST /a b body", first.Body);
            Assert.Equal("GET /again ", second.Body);
        }
        Libc.Kill(_worker.Pid, Signals.SIGTERM);

        Assert.Equal(WorkerContract.ExitOk, _worker.WaitForExit()); // a TimeoutException if it does not stop on SIGTERM
        Assert.Contains("Gracefully killing worker 1", _worker.Output.ToString());
    }

    [WorkerProcessFact]
    public void Worker_ExitsWithAppLoadError_WhenTheAppDoesNotImport()
    {
        using var scoreboard = StartWorker("import no_such_module_here\n");

        Assert.Equal(WorkerContract.ExitAppLoadError, _worker!.WaitForExit(TimeSpan.FromSeconds(60)));
    }

    public void Dispose()
    {
        _worker?.Dispose();
        _listener.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
