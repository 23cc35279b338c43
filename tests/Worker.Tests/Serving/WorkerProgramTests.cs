using System.Net;
using System.Net.Sockets;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Native;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Serving;
using Serilog;

namespace DotnetWsgi.Worker.Tests.Serving;

public sealed class WorkerProgramTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dnw-worker-").FullName;
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CollectingSink _sink = new();
    private readonly Serilog.Core.Logger _log;

    public WorkerProgramTests()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        _log = new LoggerConfiguration().WriteTo.Sink(_sink).CreateLogger();
    }

    private Dictionary<string, string> Env(ServerOptions options)
    {
        var optionsPath = Path.Combine(_dir, "options.json");
        File.WriteAllText(optionsPath, ServerOptionsJson.Serialize(options));
        return new()
        {
            [WorkerContract.WorkerIdVar] = "1",
            [WorkerContract.ConfigVar] = optionsPath,
            [WorkerContract.FdsVar] = ((int)_listener.Handle).ToString(),
            [WorkerContract.ScoreboardVar] = Path.Combine(_dir, "scoreboard"),
        };
    }

    private ServerOptions Options(int port) => new()
    {
        Sockets = [new SocketSpec("http-socket", $"127.0.0.1:{port}", SocketProtocol.Http, SocketFamily.Tcp, "127.0.0.1", port, null)],
        MaxRequests = 1,
        MinWorkerLifetime = 0,
    };

    [Fact]
    public async Task Run_ServesUntilRecycled_AfterPublishingReadiness()
    {
        int port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        var env = Env(Options(port));
        using var scoreboard = Scoreboard.Create(env[WorkerContract.ScoreboardVar], 1, 1);
        var run = Task.Run(() => WorkerProgram.Run(k => env.GetValueOrDefault(k), (_, _) => new DelegateHost(Apps.Echo), _log));

        Wait.Until(() => scoreboard.Slot(1).State == WorkerSlotState.Accepting || run.IsCompleted, "readiness");
        Assert.Equal(Environment.ProcessId, scoreboard.Slot(1).Pid);
        using (var c = new TestClient(_listener.LocalEndPoint!))
        {
            c.Send("GET /one HTTP/1.1\r\n\r\n");
            Assert.Equal("GET /one |", c.ReadResponse().Body);
        }

        Assert.Equal(WorkerContract.ExitOk, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(WorkerSlotState.Stopping, scoreboard.Slot(1).State);
    }

    [Fact]
    public async Task Signals_Usr2ReportsTheBusyThread_AndTermStopsGracefully()
    {
        int port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        var env = Env(Options(port) with { MaxRequests = 0 });
        using var scoreboard = Scoreboard.Create(env[WorkerContract.ScoreboardVar], 1, 1);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var host = new DelegateHost(ctx => { entered.Set(); release.Wait(TimeSpan.FromSeconds(30)); Apps.Echo(ctx); });
        var run = Task.Run(() => WorkerProgram.Run(k => env.GetValueOrDefault(k), (_, _) => host, _log));
        Wait.Until(() => scoreboard.Slot(1).State == WorkerSlotState.Accepting || run.IsCompleted, "readiness");
        using var c = new TestClient(_listener.LocalEndPoint!);
        c.Send("GET /busy HTTP/1.1\r\n\r\n");
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)));

        Native.Interop.Libc.Kill(Environment.ProcessId, Native.Interop.Signals.SIGUSR2);
        Wait.Until(() => _sink.Messages.Any(m => m.Contains("is managing request") && m.Contains("GET /busy")), "the SIGUSR2 report");
        Native.Interop.Libc.Kill(Environment.ProcessId, Native.Interop.Signals.SIGTERM);
        Wait.Until(() => scoreboard.Slot(1).State == WorkerSlotState.Stopping, "the graceful stop");
        release.Set();

        Assert.Equal("close", c.ReadResponse().Header("connection"));
        Assert.Equal(WorkerContract.ExitOk, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(_sink.Messages, m => m.Contains("Gracefully killing worker 1"));
    }

    [Fact]
    public void Run_ExitsWithAppLoadError_WhenTheAppCannotLoad()
    {
        var env = Env(Options(1));
        using var scoreboard = Scoreboard.Create(env[WorkerContract.ScoreboardVar], 1, 1);

        int code = WorkerProgram.Run(k => env.GetValueOrDefault(k), (_, _) => new FailingLoadHost(), _log);

        Assert.Equal(WorkerContract.ExitAppLoadError, code);
        Assert.Contains(_sink.Messages, m => m.Contains("no module named app"));
    }

    [Theory]
    [InlineData(WorkerContract.FdsVar, "x")]
    [InlineData(WorkerContract.FdsVar, "3,4")]
    [InlineData(WorkerContract.ConfigVar, "/nonexistent/options.json")]
    [InlineData(WorkerContract.ScoreboardVar, "/nonexistent/scoreboard")]
    public void Run_ExitsWithBootError_OnABadContract(string variable, string value)
    {
        var env = Env(Options(1));
        using var scoreboard = Scoreboard.Create(env[WorkerContract.ScoreboardVar], 1, 1);
        env[variable] = value;

        int code = WorkerProgram.Run(k => env.GetValueOrDefault(k), (_, _) => new DelegateHost(Apps.Echo), _log);

        Assert.Equal(WorkerContract.ExitBootError, code);
    }

    [Fact]
    public void Environment_NamesTheMissingVariable()
    {
        var ex = Assert.Throws<FormatException>(() => WorkerEnvironment.From(k => k == WorkerContract.WorkerIdVar ? "1" : null));

        Assert.Contains(WorkerContract.ConfigVar, ex.Message);
    }

    private sealed class FailingLoadHost : IApplicationHost
    {
        public void Load() => throw new AppLoadException("ModuleNotFoundError: no module named app");
        public void AttachThread() { }
        public void DetachThread() { }
        public void Handle(RequestContext ctx) { }
        public void Dispose() { }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _log.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
