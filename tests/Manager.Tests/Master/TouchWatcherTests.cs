using DotnetWsgi.Manager.Master;

namespace DotnetWsgi.Manager.Tests.Master;

public class TouchWatcherTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dnw-touch-").FullName;

    [Fact]
    public void Check_Triggers_OnMtimeIncreaseDeletionAndCreation()
    {
        string path = Path.Combine(_dir, "reload");
        File.WriteAllText(path, "");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-1));
        var w = new TouchWatcher(MasterCommand.GracefulReload, [path]);
        Assert.Empty(w.Check());
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        Assert.Equal([path], w.Check());
        Assert.Empty(w.Check());
        File.Delete(path);
        Assert.Equal([path], w.Check());
        File.WriteAllText(path, "");
        Assert.Equal([path], w.Check());
    }

    [Fact]
    public void Missing_ListsFilesAbsentAtStart_ResolvedAgainstTheWorkingDirectory()
    {
        var w = new TouchWatcher(MasterCommand.ChainReload, ["true"]);
        string expected = Path.GetFullPath("true");
        if (!File.Exists(expected)) Assert.Equal([expected], w.Missing);
        else Assert.Empty(w.Missing);
    }

    public void Dispose() => Directory.Delete(_dir, true);
}
