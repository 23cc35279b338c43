// `cpu-affinity = N` pins each worker, every one of its threads, to N of the CPUs the instance may
// use: worker i from the ((i-1)×N)th, wrapping round. Seen from outside as a user would check it:
// Cpus_allowed_list of every thread in /proc, and uWSGI's "mapping worker i to CPUs" lines.

using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Integration;

public sealed class CpuAffinityTests
{
    [BinaryFact]
    public void EachWorker_AndEveryThreadOfIt_RunsOnItsOwnCpu_WrappingRound()
    {
        var allowed = Libc.GetAffinity(0); // the CPUs this test (and so the instance) may use
        using var master = new MasterInstance($"[uwsgi]\nhttp-socket = 127.0.0.1:{Repo.FreePort()}\nwsgi-file = app.py\nchdir = %d\nprocesses = 3\nthreads = 2\ncpu-affinity = 1\n",
            files: new Dictionary<string, string> { ["app.py"] = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "apps", "app.py")) });
        master.Until(() => master.WorkerPids().Count == 3 && master.Output.Count(l => l.Contains("ready on mountpoint", StringComparison.Ordinal)) == 3,
            "three workers to load the app");

        foreach (int pid in master.WorkerPids())
        {
            int id = int.Parse(ProcessTree.EnvironmentVariable(pid, WorkerContract.WorkerIdVar)!);
            int expected = allowed[(id - 1) % allowed.Count];
            var threads = Directory.GetDirectories($"/proc/{pid}/task");
            Assert.True(threads.Length >= 3, $"worker {id} has {threads.Length} threads"); // main, two serving threads, the runtime's
            foreach (string task in threads)
            {
                if (AllowedCpus(task) is not { } cpus) continue; // the thread ended meanwhile
                Assert.Equal([expected], cpus);
            }
            Assert.Contains(master.Output, l => l == $"mapping worker {id} to CPUs: {expected}");
        }
    }

    /// <summary>Cpus_allowed_list of one thread ("0-1,4" expanded), or null when it is gone.</summary>
    private static List<int>? AllowedCpus(string task)
    {
        string status;
        try { status = File.ReadAllText(Path.Combine(task, "status")); }
        catch (IOException) { return null; }
        string list = status.Split('\n').Single(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)).Split(':')[1].Trim();
        var cpus = new List<int>();
        foreach (string part in list.Split(','))
        {
            var ends = part.Split('-').Select(int.Parse).ToArray();
            for (int c = ends[0]; c <= ends[^1]; c++) cpus.Add(c);
        }
        return cpus;
    }
}
