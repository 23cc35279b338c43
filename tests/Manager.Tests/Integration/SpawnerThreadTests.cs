// Workers ask the kernel for SIGKILL when their parent dies (PR_SET_PDEATHSIG), and the kernel's
// "parent" is the thread that forked them. Workers started by a reload run on the master's event
// loop, a thread-pool thread; when that thread retired, they were SIGKILLed. The master here runs
// with a 200 ms thread-pool idle timeout (DOTNET_ThreadPool_ThreadTimeoutMs) so an idle pool thread
// retires quickly: the reloaded workers must still be the same, alive processes afterwards.

using DotnetWsgi.Native.Interop;
using DotnetWsgi.TestSupport;

namespace DotnetWsgi.Manager.Tests.Integration;

public sealed class SpawnerThreadTests
{
    [BinaryFact]
    public void WorkersStartedByAReload_OutliveTheThreadPoolThreadThatAskedForThem()
    {
        int port = Repo.FreePort();
        string app = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "apps", "app.py"));
        using var master = new MasterInstance(
            $"[uwsgi]\nhttp-socket = 127.0.0.1:{port}\nwsgi-file = app.py\nchdir = %d\nprocesses = 2\nworker-reload-mercy = 30\n",
            environment: new Dictionary<string, string> { ["DOTNET_ThreadPool_ThreadTimeoutMs"] = "200" },
            files: new Dictionary<string, string> { ["app.py"] = app });
        master.Until(() => Ready(master) == 2 && master.WorkerPids().Count == 2, "two workers to load the app");
        var first = master.WorkerPids();
        Libc.Kill(master.Pid, Signals.SIGHUP);
        master.Until(() => Ready(master) >= 4 && master.WorkerPids().Count == 2 && !master.WorkerPids().Overlaps(first),
            "the reload's two workers to load the app and the old ones to stop");
        var reloaded = master.WorkerPids();
        // Idle pool threads retire after 200 ms; give them many times that to do so.
        var end = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < end)
        {
            Assert.All(reloaded, pid => Assert.True(ProcessTree.IsAlive(pid), $"worker {pid} died:\n{master.Output}"));
            Thread.Sleep(100);
        }
        Assert.DoesNotContain(master.Output, l => l.Contains("killed by signal", StringComparison.Ordinal));
    }

    private static int Ready(MasterInstance master) => master.Output.Count(l => l.Contains("ready on mountpoint", StringComparison.Ordinal));
}
