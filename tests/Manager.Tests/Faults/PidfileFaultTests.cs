// An unwritable pidfile refuses the start (exit 1) with one clear line, as uWSGI does: an instance
// running without its pidfile could not be stopped or reloaded through it later.

using DotnetWsgi.Manager.Tests.Integration;

namespace DotnetWsgi.Manager.Tests.Faults;

[Collection("real processes")]
public class PidfileFaultTests
{
    [BinaryTheory]
    [InlineData("missing/app.pid")]          // its directory does not exist
    [InlineData(".")]                        // a directory, not a file
    [InlineData("/proc/dotnetwsgi-test.pid")] // a file system where no file can be created (also for root)
    public void UnwritablePidfile_RefusesToStart_WithTheReason_AndLeavesNothingRunning(string pidfile)
    {
        int port = Repo.FreePort();
        using var dn = FaultInstance.Start(port, $"pidfile = {pidfile}", "processes = 2");
        Assert.Equal(1, dn.WaitForExit());
        Assert.Single(dn.Output, l => l.Contains($"could not write pidfile {Path.GetFullPath(Path.Combine(dn.Dir, pidfile))}: "));
        Assert.DoesNotContain(dn.Output, l => l.Contains("spawned uWSGI worker"));
        Assert.True(FaultInstance.PortIsFree(port), $"127.0.0.1:{port} is still held:\n{dn.Output}");
    }
}
