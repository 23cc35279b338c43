// The run directory's clean-up of directories left by killed masters: a directory goes only when no
// process holds its owner lock (or, without an owner file, when it is old and its pid is not running).
// Each test sweeps a temp dir of its own, never the real /tmp.

using DotnetWsgi.Manager.Master;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Master;

public sealed class RunDirectoryTests : IDisposable
{
    private const int NoSuchPid = 4_000_000; // above any pid_max: kill(pid, 0) says ESRCH
    private readonly string _tmp = Repo.TempDir("rundirs");

    public void Dispose() => Repo.DeleteDir(_tmp);

    private string MakeRunDir(int pid, bool withOwner = true)
    {
        string dir = Path.Combine(_tmp, $"dotnetwsgi-{pid}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "scoreboard"), "x");
        if (withOwner) File.WriteAllText(Path.Combine(dir, "owner"), "");
        return dir;
    }

    [Fact]
    public void ADirectoryWhoseOwnerLockIsFree_IsRemoved_AndOneHeldIsKept()
    {
        string dead = MakeRunDir(NoSuchPid);
        string live = MakeRunDir(NoSuchPid + 1);
        using (new FileStream(Path.Combine(live, "owner"), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            Assert.Equal(1, RunDirectory.RemoveStale(_tmp, Environment.ProcessId));
        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(live));
    }

    [Fact]
    public void TheLockOfAnotherProcess_KeepsTheDirectory_UntilThatProcessIsKilled()
    {
        // One process that takes the same flock(2) lock a master's owner file holds (flock(1) would not
        // do: the command it forks shares the lock and outlives it). The pid in the name is init's, so
        // only the lock can tell the two states apart.
        string dir = MakeRunDir(1);
        string owner = Path.Combine(dir, "owner");
        using var holder = new TestProcess("/usr/bin/python3",
            ["-c", "import fcntl, sys, time\nf = open(sys.argv[1])\nfcntl.flock(f, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(600)", owner]);
        holder.WaitLogged("locked");
        Assert.Equal(0, RunDirectory.RemoveStale(_tmp, Environment.ProcessId));
        Assert.True(Directory.Exists(dir));

        Libc.Kill(holder.Pid, Signals.SIGKILL);
        holder.WaitForExit();
        Assert.Equal(1, RunDirectory.RemoveStale(_tmp, Environment.ProcessId));
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void WithoutAnOwnerFile_OnlyAnHourOldDirectoryOfAPidNotRunning_IsRemoved()
    {
        string oldDead = MakeRunDir(NoSuchPid, withOwner: false);
        string newDead = MakeRunDir(NoSuchPid, withOwner: false);
        string oldAlive = MakeRunDir(1, withOwner: false); // init is always running
        foreach (string d in new[] { oldDead, oldAlive }) Directory.SetLastWriteTimeUtc(d, DateTime.UtcNow.AddHours(-2));
        string other = Path.Combine(_tmp, "dotnetwsgi-notes");
        Directory.CreateDirectory(other);
        Directory.SetLastWriteTimeUtc(other, DateTime.UtcNow.AddHours(-2));

        Assert.Equal(1, RunDirectory.RemoveStale(_tmp, Environment.ProcessId));
        Assert.False(Directory.Exists(oldDead));
        Assert.True(Directory.Exists(newDead));
        Assert.True(Directory.Exists(oldAlive));
        Assert.True(Directory.Exists(other));
    }
}
