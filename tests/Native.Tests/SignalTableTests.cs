using DotnetWsgi.Native.PythonApi;

namespace DotnetWsgi.Native.Tests;

public sealed class SignalTableTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"signals-{Guid.NewGuid():N}");

    public void Dispose() => File.Delete(_path);

    [Theory]
    [InlineData("", SignalTargetKind.AnyWorker, 0)]
    [InlineData("worker", SignalTargetKind.AnyWorker, 0)]
    [InlineData("workers", SignalTargetKind.AllWorkers, 0)]
    [InlineData("worker3", SignalTargetKind.Worker, 3)]
    [InlineData("mule", SignalTargetKind.AnyMule, 0)]
    [InlineData("mule2", SignalTargetKind.Mule, 2)]
    [InlineData("mules", SignalTargetKind.AllMules, 0)]
    [InlineData("spooler", SignalTargetKind.Spooler, 0)]
    public void Targets_ParseAsUwsgi(string text, SignalTargetKind kind, int id)
        => Assert.Equal(new SignalTarget(kind, id), SignalTarget.Parse(text));

    [Fact]
    public void AnyWorkerSignal_IsClaimedOnce_AllWorkersSignal_ByEachLiveWorker()
    {
        using var master = SignalTable.Create(_path, workers: 3, mules: 1);
        using var worker = SignalTable.Open(_path);
        worker.Register(7, SignalTarget.Parse("")!.Value);
        worker.Register(9, SignalTarget.Parse("workers")!.Value);
        Assert.True(master.Raise(7, [1, 2]));
        Assert.True(master.Raise(9, [1, 3]));
        Assert.False(master.Raise(8, [1]));
        var first = new List<int>();
        var second = new List<int>();
        worker.Claim(worker.AnyWorkerBox, first);
        worker.Claim(worker.AnyWorkerBox, second);
        Assert.Equal([7], first);
        Assert.Empty(second);
        var w1 = new List<int>(); var w2 = new List<int>(); var w3 = new List<int>();
        worker.Claim(worker.WorkerBox(1), w1);
        worker.Claim(worker.WorkerBox(2), w2);
        worker.Claim(worker.WorkerBox(3), w3);
        Assert.Equal([9], w1);
        Assert.Empty(w2);
        Assert.Equal([9], w3);
    }

    [Fact]
    public void AddTimer_AgainForTheSameSignal_ReplacesIt()
    {
        using var table = SignalTable.Create(_path, workers: 2, mules: 0);
        table.AddTimer(new SignalTimer(3, SignalTimerKind.Timer, 5, 0, 0, 0, 0, 0));
        table.AddTimer(new SignalTimer(3, SignalTimerKind.Timer, 5, 0, 0, 0, 0, 0));
        table.AddTimer(new SignalTimer(4, SignalTimerKind.Cron, 0, -1, 2, -1, -1, -1));
        Assert.Equal([3, 4], table.Timers().Select(t => t.Signum));
    }
}
