// Open checks the layout a master wrote against this build's (version, slot and core size, length).

namespace DotnetWsgi.Native.Tests;

public sealed class ScoreboardLayoutTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"sb-layout-{Guid.NewGuid():N}");

    public void Dispose() => File.Delete(_path);

    private void PatchHeaderWord(int word, long value)
    {
        using var fs = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        fs.Position = word * 8;
        fs.Write(BitConverter.GetBytes(value));
    }

    [Fact]
    public void Open_AcceptsTheLayoutCreateWrote()
    {
        using var master = Scoreboard.Create(_path, workers: 2, coresPerWorker: 3);
        using var worker = Scoreboard.Open(_path);
        Assert.Equal((2, 3), (worker.Workers, worker.CoresPerWorker));
    }

    [Fact]
    public void Open_RejectsAnotherLayoutVersion_NamingBoth()
    {
        using (Scoreboard.Create(_path, 2, 1)) { }
        PatchHeaderWord(1, Scoreboard.LayoutVersion + 1);
        var ex = Assert.Throws<InvalidDataException>(() => Scoreboard.Open(_path));
        Assert.Contains($"layout version {Scoreboard.LayoutVersion + 1}", ex.Message);
        Assert.Contains($"reads version {Scoreboard.LayoutVersion}", ex.Message);
    }

    [Fact]
    public void Open_RejectsASlotSizeThisBuildDoesNotUse()
    {
        using (Scoreboard.Create(_path, 2, 1)) { }
        PatchHeaderWord(4, 8);
        var ex = Assert.Throws<InvalidDataException>(() => Scoreboard.Open(_path));
        Assert.Contains("slot size 8", ex.Message);
    }

    [Fact]
    public void Open_RejectsAFileShorterThanItsHeaderSays()
    {
        using (Scoreboard.Create(_path, 2, 1)) { }
        PatchHeaderWord(2, 50); // 50 workers claimed, 2 present
        var ex = Assert.Throws<InvalidDataException>(() => Scoreboard.Open(_path));
        Assert.Contains("its header needs", ex.Message);
    }

    [Fact]
    public void RecycleDue_IsClearedWhenTheSlotIsReset()
    {
        using var sb = Scoreboard.Create(_path, 1, 1);
        var slot = sb.Slot(1);
        slot.RecycleDueMs = 1234;
        Assert.Equal(1234, sb.Slot(1).RecycleDueMs);
        slot.Reset(generation: 2, spawnUnix: 5);
        Assert.Equal(0, sb.Slot(1).RecycleDueMs);
    }
}
