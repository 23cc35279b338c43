// A child's exit is acted on only after its last lines are in the log: the exit (SIGCHLD) can be
// reported before the pipe readers have taken the child's final output, and a master or Emperor that
// stopped right after a child's exit lost that child's last words ("goodbye to uWSGI").

using System.Diagnostics;
using DotnetWsgi.Manager.Master;

namespace DotnetWsgi.Manager.Tests.Master;

public sealed class LoggedChildTests
{
    [Fact]
    public void TheLastLines_OnBothPipes_AreLogged_BeforeTheExitIsReported()
    {
        // Many short-lived children, each writing its last lines just before it exits: without the
        // drain, most exits here were reported before those lines were read.
        const int Children = 200;
        var sink = new CollectingSink();
        var log = sink.CreateLogger();
        var missing = new List<string>();
        var done = new CountdownEvent(Children);
        for (int i = 0; i < Children; i++)
        {
            string tag = $"child-{i}";
            var info = new ProcessStartInfo("/bin/sh", ["-c", $"echo out {tag}; echo err {tag} >&2; exit 3"]);
            LoggedChild.Start(info, log, (pid, code) =>
            {
                var lines = sink.Lines;
                lock (missing)
                {
                    if (code != 3) missing.Add($"{tag}: exit code {code}");
                    if (!lines.Contains($"out {tag}")) missing.Add($"{tag}: stdout line");
                    if (!lines.Contains($"err {tag}")) missing.Add($"{tag}: stderr line");
                }
                done.Signal();
            });
        }

        Assert.True(done.Wait(TimeSpan.FromMinutes(2)), "every child's exit to be reported");
        Assert.Empty(missing);
    }

    [Fact]
    public void AGrandchildHoldingThePipes_DelaysTheExitReport_OnlyBriefly()
    {
        var sink = new CollectingSink();
        var exited = new TaskCompletionSource<int>();
        // The shell exits at once; the sleep it leaves behind keeps both pipes open for 60 s.
        var info = new ProcessStartInfo("/bin/sh", ["-c", "echo started; sleep 60 & echo $! ; exit 0"]);
        var clock = Stopwatch.StartNew();
        LoggedChild.Start(info, sink.CreateLogger(), (pid, code) => exited.TrySetResult(code));

        Assert.True(exited.Task.Wait(TimeSpan.FromSeconds(30)), "the exit to be reported while the grandchild runs");
        try
        {
            Assert.Equal(0, exited.Task.Result);
            Assert.True(clock.Elapsed < LoggedChild.DrainLimit + TimeSpan.FromSeconds(20), $"reported after {clock.Elapsed}");
            Assert.Contains("started", sink.Lines);
        }
        finally
        {
            Wait.Until(() => sink.Lines.Count >= 2, "the grandchild's pid line");
            int grandchild = int.Parse(sink.Lines.Single(l => l != "started"));
            DotnetWsgi.Native.Interop.Libc.Kill(grandchild, DotnetWsgi.Native.Interop.Signals.SIGKILL);
        }
    }
}
