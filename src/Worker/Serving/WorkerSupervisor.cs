// Overview
// The worker's main thread after start-up: owns the signals and watches the master. Signal
// handlers only enqueue (and cancel the default action); this loop acts:
//   SIGTERM, SIGHUP   graceful: stop accepting, finish in-flight requests, exit 0
//   SIGINT, SIGQUIT   exit ExitImmediate at once
//   SIGUSR2           log what each busy thread is doing (nothing when idle)
// Once a second it checks that the master is still its parent (PR_SET_PDEATHSIG covers most cases;
// the check covers a master that died before the worker set it).

using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;
using DotnetWsgi.Worker.Logging;
using Serilog;

namespace DotnetWsgi.Worker.Serving;

public sealed class WorkerSupervisor(WorkerServer server, WorkerEnvironment env, ILogger log)
{
    private readonly BlockingCollection<int> _signals = new();

    /// <summary>Registers the signals, calls publishReady, then supervises until the server stops.</summary>
    public int Run(Action publishReady)
    {
        var registrations = new List<PosixSignalRegistration>();
        foreach (int sig in new[] { Signals.SIGTERM, Signals.SIGHUP, Signals.SIGINT, Signals.SIGQUIT, Signals.SIGUSR2 })
            registrations.Add(PosixSignalRegistration.Create((PosixSignal)sig, ctx => { ctx.Cancel = true; _signals.Add((int)ctx.Signal); }));
        try
        {
            publishReady(); // after the registrations: a signal sent as soon as we look ready is ours to handle
            var stopped = new CancellationTokenSource(); // not disposed: the continuation may still cancel it
            server.Stopped.ContinueWith(_ => stopped.Cancel(), TaskScheduler.Default);
            while (!server.Stopped.IsCompleted)
            {
                if (TryTakeSignal(stopped.Token, out int sig)) Handle(sig);
                if (env.MasterPid > 0 && Libc.GetPpid() != env.MasterPid)
                {
                    log.Error("uWSGI worker {WorkerId} screams: UAAAAAAH my master disconnected: i will kill myself !!!", env.WorkerId);
                    ExitNow();
                }
            }
            return WorkerContract.ExitOk;
        }
        finally
        {
            foreach (var r in registrations) r.Dispose();
        }
    }

    /// <summary>Waits up to a second for a signal; returns early (false) when the serving threads have ended.</summary>
    private bool TryTakeSignal(CancellationToken stopped, out int sig)
    {
        try { return _signals.TryTake(out sig, 1000, stopped); }
        catch (OperationCanceledException)
        {
            sig = 0;
            return false;
        }
    }

    private void Handle(int sig)
    {
        switch (sig)
        {
            case Signals.SIGTERM or Signals.SIGHUP:
                if (server.RequestStop())
                    log.Information("Gracefully killing worker {WorkerId} (pid: {Pid})...", env.WorkerId, server.Pid);
                break;
            case Signals.SIGINT or Signals.SIGQUIT:
                ExitNow();
                break;
            case Signals.SIGUSR2:
                ReportThreads();
                break;
        }
    }

    private void ReportThreads()
    {
        var slot = server.Slot;
        long now = server.Time.GetUtcNow().ToUnixTimeMilliseconds();
        for (int core = 0; core < Math.Min(slot.Cores, Math.Max(1, server.Options.Threads)); core++)
        {
            var c = slot.Core(core);
            long start = c.RequestStartMs;
            if (start == 0) continue;
            var since = RequestLogFormatter.CTime(DateTimeOffset.FromUnixTimeMilliseconds(start).ToLocalTime());
            log.Information("SIGUSR2: --- uWSGI worker {WorkerId} (pid: {Pid}) is managing request {Request} since {Since} (core {Core}, {ElapsedMs} ms) ---",
                env.WorkerId, server.Pid, c.RequestInfo, since, core, now - start);
        }
    }

    private void ExitNow()
    {
        (log as IDisposable)?.Dispose(); // flush the async sink: Exit skips the using blocks
        Environment.Exit(WorkerContract.ExitImmediate);
    }
}
