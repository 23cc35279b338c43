// The directory scan and its diff: which files are vassals (directory = *.ini, or a glob), and what
// changed between two scans.

using DotnetWsgi.Manager.Emperor;

namespace DotnetWsgi.Manager.Tests.Emperor;

public sealed class VassalScanTests : IDisposable
{
    private readonly string _dir = Repo.TempDir("vscan");

    public void Dispose() => Repo.DeleteDir(_dir);

    private string Write(string name, DateTime? mtime = null)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, "[uwsgi]\n");
        if (mtime is { } t) File.SetLastWriteTimeUtc(path, t);
        return path;
    }

    [Fact]
    public void ADirectory_MatchesItsIniFiles_NotOthersNorHiddenOnes()
    {
        string a = Write("a.ini"), b = Write("b.ini");
        Write("notes.txt");
        Write(".hidden.ini");
        Directory.CreateDirectory(Path.Combine(_dir, "sub.ini"));
        Assert.Equal([a, b], VassalScan.Scan([_dir]).Keys.Order());
    }

    [Fact]
    public void AGlob_MatchesItsPattern()
    {
        string a = Write("site-a.ini");
        Write("other.ini");
        string c = Write("site-c.conf");
        Assert.Equal([a], VassalScan.Scan([Path.Combine(_dir, "site-*.ini")]).Keys);
        Assert.Equal([a, c], VassalScan.Scan([Path.Combine(_dir, "site-?.*")]).Keys.Order());
    }

    [Fact]
    public void AMissingDirectory_MatchesNothing()
        => Assert.Empty(VassalScan.Scan([Path.Combine(_dir, "nope"), Path.Combine(_dir, "nope", "*.ini")]));

    [Fact]
    public void Compare_FindsAddedTouchedAndRemovedFiles()
    {
        var t0 = new DateTime(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc);
        string keep = Write("keep.ini", t0), touch = Write("touch.ini", t0), gone = Write("gone.ini", t0);
        var before = VassalScan.Scan([_dir]);
        File.Delete(gone);
        File.SetLastWriteTimeUtc(touch, t0.AddSeconds(1));
        string added = Write("new.ini", t0);
        var changes = VassalScan.Compare(before, VassalScan.Scan([_dir]));
        Assert.Equal([added], changes.Added);
        Assert.Equal([touch], changes.Touched);
        Assert.Equal([gone], changes.Removed);
        Assert.DoesNotContain(keep, changes.Added.Concat(changes.Touched).Concat(changes.Removed));
        Assert.True(VassalScan.Compare(before, before).IsEmpty);
    }
}
