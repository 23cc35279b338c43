// Overview
// `cpu-affinity = N`: each worker is pinned to N CPUs, worker i starting at the ((i-1)×N)th and
// wrapping round, as uWSGI maps them; logged as uWSGI logs it ("mapping worker 2 to CPUs: 1").
// Applied once at the worker's start, before the app loads, to every thread the process has then;
// threads started later (the serving threads, the app's own) inherit it from their creator.
//
// One difference from uWSGI, on purpose: uWSGI counts CPUs 0..n-1 of the machine, so in a container
// or under `taskset` limited to CPUs 2-3 its workers are mapped to CPUs 0 and 1, sched_setaffinity
// fails and they run unpinned. dotnetwsgi maps over the CPUs this process may run on
// (sched_getaffinity), so the same setting pins workers to CPUs 2 and 3 there.

using DotnetWsgi.Native.Interop;
using Serilog;

namespace DotnetWsgi.Worker.Serving;

public static class CpuAffinity
{
    /// <summary>The CPUs worker workerId (from 1) gets when each worker has perWorker of the allowed ones.</summary>
    public static IReadOnlyList<int> CpusFor(int workerId, int perWorker, IReadOnlyList<int> allowed)
    {
        if (perWorker <= 0 || allowed.Count == 0) return [];
        int count = Math.Min(perWorker, allowed.Count);
        int first = (int)((long)(Math.Max(1, workerId) - 1) * perWorker % allowed.Count);
        var cpus = new List<int>(count);
        for (int i = 0; i < count; i++) cpus.Add(allowed[(first + i) % allowed.Count]);
        cpus.Sort();
        return cpus;
    }

    /// <summary>Pins every thread of this process to worker workerId's CPUs; a failure is logged and the worker runs unpinned.</summary>
    public static void Apply(int perWorker, int workerId, ILogger log)
    {
        if (perWorker <= 0) return;
        IReadOnlyList<int> cpus;
        try { cpus = CpusFor(workerId, perWorker, Libc.GetAffinity(0)); }
        catch (NativeException e)
        {
            log.Warning("cpu-affinity: cannot read this process's CPUs ({Reason}): worker {WorkerId} not pinned", e.Message, workerId);
            return;
        }
        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            if (!int.TryParse(Path.GetFileName(task), out int tid)) continue;
            int r = Libc.SetAffinity(tid, cpus);
            if (r != 0 && r != -Errno.ESRCH) // a thread that ended meanwhile has nothing to pin
            {
                log.Warning("cpu-affinity: sched_setaffinity of thread {Tid} failed (errno {Errno}): worker {WorkerId} not pinned", tid, -r, workerId);
                return;
            }
        }
        log.Information("mapping worker {WorkerId} to CPUs: {Cpus:l}", workerId, string.Join(' ', cpus));
    }
}
