namespace DotnetWsgi.Native.Tests;

public sealed class ScoreboardTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"sb-{Guid.NewGuid():N}");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void Scoreboard_SharesSlots_BetweenCreatorAndOpener()
    {
        using var master = Scoreboard.Create(_path, workers: 3, coresPerWorker: 2);
        master.Slot(2).Reset(generation: 7, spawnUnix: 1234);
        using var worker = Scoreboard.Open(_path);
        Assert.Equal(3, worker.Workers);
        Assert.Equal(2, worker.CoresPerWorker);

        var slot = worker.Slot(2);
        Assert.Equal(7, slot.Generation);
        Assert.Equal(WorkerSlotState.Starting, slot.State);
        slot.Pid = 4242;
        slot.State = WorkerSlotState.Accepting;
        slot.Core(1).BeginRequest(99_000, "GET"u8, "/sleep?s=30"u8);
        slot.RecordRequest(txBytes: 100, durationUs: 50, exception: true);
        worker.IncrementInstanceRequests();

        var seen = master.Slot(2);
        Assert.Equal(4242, seen.Pid);
        Assert.Equal(WorkerSlotState.Accepting, seen.State);
        Assert.Equal(99_000, seen.Core(1).RequestStartMs);
        Assert.Equal("GET /sleep?s=30", seen.Core(1).RequestInfo);
        Assert.Equal(0, seen.Core(0).RequestStartMs);
        Assert.Equal(1, seen.Requests);
        Assert.Equal(1, seen.Exceptions);
        Assert.Equal(100, seen.TxBytes);
        Assert.Equal(1, master.InstanceRequests);
        Assert.Equal(0, master.Slot(1).Pid);

        seen.Core(1).EndRequest();
        Assert.Equal(0, slot.Core(1).RequestStartMs);
        Assert.Equal(1, slot.Core(1).Requests);
    }

    [Fact]
    public void Scoreboard_TruncatesLongRequestInfo()
    {
        using var sb = Scoreboard.Create(_path, 1, 1);
        var uri = new byte[1000];
        Array.Fill(uri, (byte)'a');
        sb.Slot(1).Core(0).BeginRequest(1, "GET"u8, uri);
        Assert.Equal(Scoreboard.RequestInfoBytes - 1, sb.Slot(1).Core(0).RequestInfo.Length);
    }

    [Fact]
    public void Scoreboard_Open_RejectsAFileThatIsNotAScoreboard()
    {
        File.WriteAllBytes(_path, new byte[128]);
        var ex = Assert.Throws<InvalidDataException>(() => Scoreboard.Open(_path));
        Assert.Contains("not a dotnetwsgi scoreboard", ex.Message);
    }

    [Fact]
    public void Slot_RejectsAnIdOutsideTheTable()
    {
        using var sb = Scoreboard.Create(_path, 2, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => sb.Slot(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => sb.Slot(3));
    }
}
