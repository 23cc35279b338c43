// The Emperor's loop driven by hand: a fake launcher records starts and signals, a ManualTime moves
// the clock, and Handle(Tick/Exited/Stop) is called as the loop thread would. Real files in a temp dir.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Emperor;
using DotnetWsgi.Native.Interop;
using Serilog;
using EmperorLoop = DotnetWsgi.Manager.Emperor.Emperor;

namespace DotnetWsgi.Manager.Tests.Emperor;

public sealed class EmperorLoopTests : IDisposable
{
    private sealed class FakeVassals : IVassalLauncher
    {
        public readonly List<(int Pid, IReadOnlyList<string> Args, string Cwd)> Started = [];
        public readonly List<(int Pid, int Signal)> Signals = [];
        private int _next = 1000;

        public int Start(IReadOnlyList<string> arguments, string workingDirectory, Action<int, int> exited)
        {
            Started.Add((++_next, arguments, workingDirectory));
            return _next;
        }

        public int Signal(int pid, int signal)
        {
            Signals.Add((pid, signal));
            return 0;
        }
    }

    private readonly string _dir = Repo.TempDir("vloop");
    private readonly ManualTime _time = new();
    private readonly FakeVassals _launcher = new();
    private readonly EmperorLoop _emperor;

    public EmperorLoopTests()
    {
        var options = new ServerOptions { Emperor = [_dir], EmperorFreq = 3, EmperorThrottle = 1000, EmperorMaxThrottle = 4000, VassalsInclude = [Path.Combine(_dir, "common.inc")] };
        _emperor = new EmperorLoop(options, _launcher, _time, new LoggerConfiguration().CreateLogger());
    }

    public void Dispose() => Repo.DeleteDir(_dir);

    private string Vassal(string name)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, "[uwsgi]\n");
        return path;
    }

    /// <summary>Moves past the next scan and ticks.</summary>
    private void Scan()
    {
        _time.Advance(TimeSpan.FromSeconds(3));
        _emperor.Handle(new EmperorEvent.Tick());
    }

    [Fact]
    public void ANewFile_StartsAVassal_WithItsIniAndTheIncludes_InItsDirectory()
    {
        string a = Vassal("a.ini");
        Scan();
        var (pid, args, cwd) = Assert.Single(_launcher.Started);
        Assert.Equal(["--ini", a, "--ini", Path.Combine(_dir, "common.inc")], args);
        Assert.Equal(_dir, cwd);
        Assert.Equal(pid, Assert.Single(_emperor.Snapshot).Pid);
    }

    [Fact]
    public void TouchingAFile_SendsSighup_RemovingItSendsSigterm_ThenSigkillAfterTheMercy()
    {
        string a = Vassal("a.ini");
        Scan();
        int pid = _launcher.Started[0].Pid;
        File.SetLastWriteTimeUtc(a, File.GetLastWriteTimeUtc(a).AddSeconds(5));
        Scan();
        Assert.Equal([(pid, Signals.SIGHUP)], _launcher.Signals);
        Assert.Single(_launcher.Started); // reloaded in place, not restarted
        File.Delete(a);
        Scan();
        Assert.Equal((pid, Signals.SIGTERM), _launcher.Signals[^1]);
        _time.Advance(EmperorLoop.StopMercy);
        _emperor.Handle(new EmperorEvent.Tick());
        Assert.Equal((pid, Signals.SIGKILL), _launcher.Signals[^1]);
        _emperor.Handle(new EmperorEvent.Exited(pid, 137));
        Assert.Empty(_emperor.Snapshot);
        Assert.Single(_launcher.Started); // a removed vassal is not restarted
    }

    [Fact]
    public void AVassalThatDiesEarly_IsRestartedOnlyAfterTheThrottle()
    {
        Vassal("bad.ini");
        Scan();
        _emperor.Handle(new EmperorEvent.Exited(_launcher.Started[^1].Pid, 22));
        Assert.Equal(VassalState.Throttled, _emperor.Snapshot[0].State);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        _emperor.Handle(new EmperorEvent.Tick());
        Assert.Single(_launcher.Started);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _emperor.Handle(new EmperorEvent.Tick());
        Assert.Equal(2, _launcher.Started.Count);
        _emperor.Handle(new EmperorEvent.Exited(_launcher.Started[^1].Pid, 22));
        Assert.Equal(2000, _emperor.Snapshot[0].ThrottleMs);
        Assert.Equal(1, _emperor.Snapshot[0].Respawns);
    }

    [Fact]
    public void AVassalThatRanLong_IsRestartedAtOnce()
    {
        Vassal("a.ini");
        Scan();
        _time.Advance(VassalThrottle.LoyalAfter);
        _emperor.Handle(new EmperorEvent.Exited(_launcher.Started[^1].Pid, 0));
        Assert.Equal(2, _launcher.Started.Count);
        Assert.Equal(VassalState.Running, _emperor.Snapshot[0].State);
    }

    [Fact]
    public void Stopping_SendsSigtermToEveryRunningVassal_AndDropsThrottledOnes()
    {
        Vassal("a.ini");
        Vassal("b.ini");
        Vassal("c.ini");
        Scan();
        int a = _launcher.Started[0].Pid, b = _launcher.Started[1].Pid, c = _launcher.Started[2].Pid;
        _emperor.Handle(new EmperorEvent.Exited(c, 22)); // c is throttled
        _emperor.Handle(new EmperorEvent.Stop("SIGTERM"));
        Assert.Equal([(a, Signals.SIGTERM), (b, Signals.SIGTERM)], _launcher.Signals);
        Assert.Equal(2, _emperor.Snapshot.Count);
        Assert.All(_emperor.Snapshot, v => Assert.Equal(VassalState.Stopping, v.State));
        _time.Advance(TimeSpan.FromSeconds(10));
        _emperor.Handle(new EmperorEvent.Tick()); // no restart of c while stopping
        Assert.Equal(3, _launcher.Started.Count);
    }

    [Fact]
    public void ReloadAll_SendsSighupToEveryRunningVassal()
    {
        Vassal("a.ini");
        Vassal("b.ini");
        Scan();
        _emperor.Handle(new EmperorEvent.ReloadAll());
        Assert.Equal(_launcher.Started.Select(s => (s.Pid, Signals.SIGHUP)), _launcher.Signals);
        Assert.All(_emperor.Snapshot, v => Assert.Equal(1, v.Reloads));
    }
}
