// Overview
// A real Master running in the test process with real worker processes: the stand-in worker
// (apps/stand_in_worker.py, which honours the worker contract) serving apps/app.py on a
// 127.0.0.1 port the kernel picks. Commands go in through Enqueue, the same door the signal
// handlers and the fifo use. Dispose stops the master and kills every pid it ever started.

using System.Net;
using DotnetWsgi.Config;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Master;
using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Support;

public sealed class StandInMaster : IDisposable
{
    private static readonly string Apps = Path.Combine(AppContext.BaseDirectory, "apps");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly Task<int> _run;

    public string Dir { get; }
    public string AppFile { get; }
    public int Port { get; }
    public CollectingSink Log { get; } = new();
    public RecordingLauncher Launcher { get; }
    public Scoreboard Board { get; }
    public ListenerSet Listeners { get; }
    public DotnetWsgi.Manager.Master.Master Master { get; }
    public ServerOptions Options { get; private set; }

    public StandInMaster(Func<ServerOptions, ServerOptions>? configure = null, Func<ServerOptions, ConfigResult>? reload = null)
    {
        Dir = Directory.CreateTempSubdirectory("dnw-standin-").FullName;
        AppFile = Path.Combine(Dir, "app.py");
        File.Copy(Path.Combine(Apps, "app.py"), AppFile);
        var logger = Log.CreateLogger();
        var socket = new SocketSpec("http-socket", "127.0.0.1:0", SocketProtocol.Http, SocketFamily.Tcp, "127.0.0.1", 0, null);
        Options = new ServerOptions { Processes = 2, WsgiFile = AppFile, Sockets = [socket], WorkerReloadMercy = 30 };
        if (configure is not null) Options = configure(Options);
        Listeners = new ListenerSet(128, logger);
        Listeners.Apply(Options.Sockets);
        Port = ((IPEndPoint)Listeners.Listeners[0].Socket.LocalEndPoint!).Port;
        Board = Scoreboard.Create(Path.Combine(Dir, "scoreboard"), 16, 4);
        Launcher = new RecordingLauncher(new ProcessWorkerLauncher(PythonFactAttribute.Python, [Path.Combine(Apps, "stand_in_worker.py")], logger));
        var deps = new MasterDependencies(Launcher, TimeProvider.System, logger, Board, Dir, Environment.ProcessId) { Listeners = Listeners };
        Func<ConfigResult>? reloadConfig = reload is null ? null : () => reload(Options);
        Master = new DotnetWsgi.Manager.Master.Master(Options, reloadConfig, deps);
        _run = Task.Run(Master.RunAsync);
    }

    public string Get(string path) => _http.GetStringAsync($"http://127.0.0.1:{Port}{path}").GetAwaiter().GetResult();

    public int AcceptingWorkers()
    {
        int n = 0;
        for (int id = 1; id <= Board.Workers; id++)
        {
            var slot = Board.Slot(id);
            if (slot.State == WorkerSlotState.Accepting && slot.Pid > 0 && RecordingLauncher.IsAlive((int)slot.Pid)) n++;
        }
        return n;
    }

    public void WaitAccepting(int workers) => Wait.Until(() => AcceptingWorkers() >= workers, $"{workers} accepting workers");

    /// <summary>Pids of accepting workers, from the scoreboard.</summary>
    public HashSet<int> AcceptingPids()
    {
        var pids = new HashSet<int>();
        for (int id = 1; id <= Board.Workers; id++)
        {
            var slot = Board.Slot(id);
            if (slot.State == WorkerSlotState.Accepting && slot.Pid > 0 && RecordingLauncher.IsAlive((int)slot.Pid)) pids.Add((int)slot.Pid);
        }
        return pids;
    }

    public void Enqueue(MasterCommand command) => Master.Enqueue(command, "test");

    /// <summary>Waits for the loop to end and returns the exit code.</summary>
    public int WaitForExit()
    {
        if (!_run.Wait(Wait.Deadline)) throw new TimeoutException("master did not stop");
        return _run.Result;
    }

    public void Dispose()
    {
        Master.Enqueue(MasterCommand.StopNow, "test cleanup");
        _run.Wait(TimeSpan.FromSeconds(15));
        foreach (int pid in Launcher.Pids) Libc.Kill(pid, Signals.SIGKILL);
        Listeners.CloseAll(vacuum: true);
        Board.Dispose();
        _http.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}
