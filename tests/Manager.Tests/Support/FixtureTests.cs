// The shared process fixtures keep their promise: worker pids come from the master's scoreboard and
// are the processes that answer; Dispose ends the started process and everything below it, by PID.

using DotnetWsgi.Manager.Tests.Integration;

namespace DotnetWsgi.Manager.Tests.Support;

[Collection("real processes")]
public class FixtureTests
{
    [BinaryFact]
    public void WorkerPids_AreTheWorkersThatAnswer_AndDisposeEndsMasterAndWorkers()
    {
        HashSet<int> workers;
        int master;
        using (var dn = new BinaryInstance(2).WaitServing())
        {
            dn.Until(() => dn.WorkerPids().Count == 2, "two workers in the scoreboard");
            workers = dn.WorkerPids();
            master = dn.Pid;
            Assert.Contains(int.Parse(dn.Get("/pid")), workers);
        }
        Wait.Until(() => !ProcessTree.IsAlive(master) && !workers.Any(ProcessTree.IsAlive), "the master and its workers to be gone");
    }

    [Fact]
    public void TestProcess_Dispose_EndsTheProcessAndItsChildren()
    {
        int shell, child;
        using (var p = new TestProcess("/bin/sh", ["-c", "sleep 120 & echo $!; wait"]))
        {
            Wait.Until(() => p.Output.Count > 0, "the child's pid");
            shell = p.Pid;
            child = int.Parse(p.Output[0]);
            Assert.True(ProcessTree.IsAlive(child));
        }
        Wait.Until(() => !ProcessTree.IsAlive(shell) && !ProcessTree.IsAlive(child), "the shell and its child to be gone");
    }
}
