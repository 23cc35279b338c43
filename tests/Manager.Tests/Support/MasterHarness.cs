// A Master driven by hand: fake launcher, manual clock, collecting log, a real scoreboard file.
// The test plays the workers' part by writing their scoreboard slots and handing in exits.

using DotnetWsgi.Config;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Master;
using DotnetWsgi.Native;

namespace DotnetWsgi.Manager.Tests.Support;

public sealed class MasterHarness : IDisposable
{
    public ManualTime Time { get; } = new();
    public FakeLauncher Launcher { get; } = new();
    public CollectingSink Log { get; } = new();
    public Scoreboard Board { get; }
    public string Dir { get; }
    public DotnetWsgi.Manager.Master.Master Master { get; }

    /// <summary>The observability host the master publishes to, when the test asked for one.</summary>
    public DotnetWsgi.Manager.Observability.ObservabilityHost? Observability { get; }

    /// <param name="observability">Give the master an observability host (not started: render with Route("/metrics")).</param>
    public MasterHarness(ServerOptions options, Func<ConfigResult>? reload = null, int capacity = 16, bool observability = false)
    {
        Dir = Directory.CreateTempSubdirectory("dnw-master-test-").FullName;
        Board = Scoreboard.Create(Path.Combine(Dir, "scoreboard"), capacity, 4);
        if (observability) Observability = new DotnetWsgi.Manager.Observability.ObservabilityHost(options, Board, Time);
        var deps = new MasterDependencies(Launcher, Time, Log.CreateLogger(), Board, Dir, Environment.ProcessId) { Observability = Observability };
        Master = new DotnetWsgi.Manager.Master.Master(options, reload, deps);
        Master.Start();
    }

    public WorkerEntry Entry(int pid) => Master.Table.ByPid(pid) ?? throw new InvalidOperationException($"no worker with pid {pid}");

    /// <summary>Live (not stopping) worker pids in id order.</summary>
    public int[] LivePids => Master.Table.Live.Select(w => w.Pid).ToArray();

    /// <summary>The worker with this pid reports Accepting; the master sees it on the next tick.</summary>
    public void Ready(int pid)
    {
        var slot = Board.Slot(Entry(pid).Id);
        slot.Pid = pid;
        slot.State = WorkerSlotState.Accepting;
        Master.Tick();
    }

    public void ReadyAll()
    {
        foreach (var pid in Master.Table.All.Where(w => w.State == WorkerState.Starting).Select(w => w.Pid).ToList()) Ready(pid);
    }

    public void Exit(int pid, int code) => Master.Handle(new WorkerExited(pid, code));

    public void Command(MasterCommand command) => Master.Handle(new CommandReceived(command, "test"));

    public void Dispose()
    {
        Observability?.Dispose();
        Board.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}
