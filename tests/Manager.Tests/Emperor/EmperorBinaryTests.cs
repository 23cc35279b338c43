// The Emperor end to end against the published binary: real vassal masters, real workers, real
// sockets and signals. Each vassal serves tests' app.py on its own free 127.0.0.1 port.

using DotnetWsgi.Manager.Tests.Integration;
using DotnetWsgi.Manager.Tests.Support;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Emperor;

[Collection("real processes")]
public class EmperorBinaryTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);

    [BinaryFact]
    public void TheEmperor_ServesTwoVassals_AndFollowsTheirFiles_AddTouchChangeRemove()
    {
        int portA = Repo.FreePort(), portB = Repo.FreePort(), portC = Repo.FreePort();
        using var emperor = new EmperorInstance(e =>
        {
            e.WriteVassal("a.ini", portA);
            e.WriteVassal("b.ini", portB);
        });
        emperor.WaitServing(portA);
        emperor.WaitServing(portB);
        int masterA = emperor.VassalPid("a.ini"), masterB = emperor.VassalPid("b.ini");
        Assert.NotEqual(0, masterA);
        Assert.NotEqual(masterA, masterB);

        // touch: a graceful reload in place: same vassal master, a new worker, no failed request
        int workerA = emperor.WorkerPid(portA)!.Value;
        using (var load = new LoadGenerator(portA, "/pid"))
        {
            Wait.Until(() => load.Answered > 5, "requests before the touch");
            File.SetLastWriteTimeUtc(Path.Combine(emperor.Vassals, "a.ini"), DateTime.UtcNow.AddSeconds(5));
            emperor.Process.WaitAlive(() => emperor.WorkerPid(portA) is int w && w != workerA && !ProcessTree.IsAlive(workerA), "a new worker for a.ini", Long);
            int ok = load.Answered;
            Wait.Until(() => load.Answered > ok + 5, "requests after the reload");
            load.StopAndAssertNoneFailed();
        }
        Assert.Equal(masterA, emperor.VassalPid("a.ini"));
        emperor.Process.WaitLogged("[emperor] reload the dotnetwsgi instance a.ini");

        // change: processes 1 -> 2 takes effect through the vassal master's reload
        Assert.Single(emperor.WorkersOf(masterB));
        emperor.WriteVassal("b.ini", portB, "processes = 2");
        File.SetLastWriteTimeUtc(Path.Combine(emperor.Vassals, "b.ini"), DateTime.UtcNow.AddSeconds(5));
        emperor.Process.WaitAlive(() => emperor.WorkersOf(masterB).Count == 2, "two workers for b.ini", Long);
        Assert.Equal(masterB, emperor.VassalPid("b.ini"));

        // add: a new file is a new vassal
        emperor.WriteVassal("c.ini", portC);
        emperor.WaitServing(portC);

        // remove: the vassal stops gracefully and its port stops answering; the others serve on
        File.Delete(Path.Combine(emperor.Vassals, "a.ini"));
        emperor.Process.WaitAlive(() => !ProcessTree.IsAlive(masterA) && emperor.WorkerPid(portA) is null, "a.ini's vassal to stop", Long);
        emperor.Process.WaitLogged("[emperor] removed dotnetwsgi instance a.ini (exit code 0)");
        Assert.Equal(0, emperor.VassalPid("a.ini"));
        Assert.NotNull(emperor.WorkerPid(portB));
        Assert.NotNull(emperor.WorkerPid(portC));
    }

    [BinaryFact]
    public void AVassalThatCannotLoadItsApp_IsThrottled_NotRespawnedInAHotLoop()
    {
        var started = DateTime.UtcNow;
        using var emperor = new EmperorInstance(e => File.WriteAllText(Path.Combine(e.Vassals, "bad.ini"),
            $"[uwsgi]\nhttp-socket = 127.0.0.1:{Repo.FreePort()}\nwsgi-file = {Path.Combine(e.Dir, "missing.py")}\n"),
            "--emperor-throttle", "500", "--emperor-max-throttle", "2000");
        emperor.Process.WaitLogged("4 early death(s) in a row: throttling its restart for 2000 ms", Long);
        // the restarts waited 500 + 1000 + 2000 ms at least: a hot loop would have been far quicker
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(3500));
        var output = emperor.Process.Output.ToList();
        int fourth = output.FindIndex(l => l.Contains("4 early death(s) in a row"));
        string[] levels = [.. output.Take(fourth + 1).Where(l => l.Contains("throttling its restart for")).Select(l => l[(l.LastIndexOf("for ") + 4)..])];
        Assert.Equal(["500 ms", "1000 ms", "2000 ms", "2000 ms"], levels);
        Assert.Equal(4, output.Take(fourth).Count(l => l.Contains("[emperor] vassal bad.ini has been")));
        var stats = emperor.Stats();
        var listed = stats.GetProperty("vassals").EnumerateArray().Concat(stats.GetProperty("blacklist").EnumerateArray());
        Assert.Contains(listed, v => v.GetProperty("id").GetString() == "bad.ini");
    }

    [BinaryFact]
    public void Sigterm_StopsEveryVassalGracefully_AndLeavesNoProcess()
    {
        int portA = Repo.FreePort(), portB = Repo.FreePort();
        string pidfile = Path.Combine(Path.GetTempPath(), $"emperor-{Guid.NewGuid():N}.pid");
        using var emperor = new EmperorInstance(e =>
        {
            e.WriteVassal("a.ini", portA, "processes = 2");
            e.WriteVassal("b.ini", portB);
        }, "--emperor-pidfile", pidfile);
        emperor.WaitServing(portA);
        emperor.WaitServing(portB);
        Wait.Until(() => emperor.WorkersOf(emperor.VassalPid("a.ini")).Count == 2, "a.ini's two workers");
        Assert.Equal($"{emperor.Process.Pid}\n", File.ReadAllText(pidfile));
        var family = emperor.Family();
        Assert.True(family.Count >= 5, $"expected 2 vassal masters and 3 workers below the Emperor, saw {family.Count}");
        Libc.Kill(emperor.Process.Pid, Signals.SIGTERM);
        Assert.Equal(0, emperor.Process.WaitForExit(Long));
        Assert.All(family, pid => Assert.False(ProcessTree.IsAlive(pid), $"process {pid} outlived the Emperor"));
        Assert.Contains(emperor.Process.Output, l => l.Contains("[emperor] SIGTERM received: stopping 2 vassal(s)"));
        Assert.Equal(2, emperor.Process.Output.Count(l => l.Contains("goodbye to uWSGI")));
        Assert.False(File.Exists(pidfile), "the Emperor removes its pidfile when it stops");
    }

    [BinaryFact]
    public void AKilledEmperor_TakesItsVassalsWithIt()
    {
        int port = Repo.FreePort();
        using var emperor = new EmperorInstance(e => e.WriteVassal("a.ini", port));
        emperor.WaitServing(port);
        int master = emperor.VassalPid("a.ini");
        var family = emperor.Family();
        Assert.Contains(master, family);
        Libc.Kill(emperor.Process.Pid, Signals.SIGKILL);
        emperor.Process.WaitForExit();
        // the vassal master gets SIGTERM from the kernel (parent-death signal) and stops gracefully
        Wait.Until(() => family.All(pid => !ProcessTree.IsAlive(pid)), "the vassal master and its worker to stop", Long);
        Wait.Until(() => emperor.WorkerPid(port) is null, "the vassal's port to stop answering", Long);
    }
}
