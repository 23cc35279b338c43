// Overview
// The master's attached daemons (attach-daemon and its variants). Each running daemon is a row of
// the master's table (ProcessKind.Daemon), so the loop that waits for workers also waits for them.
//   start     with the master; a smart daemon whose pidfile names a live process is adopted instead;
//   death     restarted, at once when it had lived 10 s or more, else after a back-off that doubles
//             from 1 s up to 60 s (a daemon that cannot start is not respawned in a tight loop);
//             a control daemon's death stops the instance;
//   smart     the pid in the pidfile is watched every second: its death restarts the command;
//   touch     a touch= file whose mtime changes restarts the daemon;
//   reload    plain daemons get their stop signal and start again (or get reloadsignal=); smart ones
//             are left running, as uWSGI does;
//   stop      plain daemons get their stop signal (SIGTERM), SIGKILL past worker-reload-mercy; smart
//             daemons survive the master.
// Only the master loop thread calls this class.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Native.Interop;
using Serilog;

namespace DotnetWsgi.Manager.Master.Daemons;

public sealed partial class DaemonSupervisor(DaemonLauncher launcher, WorkerTable table, TimeProvider time, ILogger log)
{
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    private sealed class Daemon(int id, DaemonSpec spec)
    {
        public int Id { get; } = id;
        public DaemonSpec Spec { get; } = spec;
        /// <summary>The process we started and have not seen exit (its row is in the table).</summary>
        public int? ChildPid { get; set; }
        /// <summary>Smart daemons: the pid last read from the pidfile.</summary>
        public int? TrackedPid { get; set; }
        public DateTimeOffset StartedAt { get; set; }
        public int QuickDeaths { get; set; }
        public DateTimeOffset? StartAt { get; set; }
        public Dictionary<string, DateTime?> Touched { get; } = [];
        public bool Retired { get; set; }
    }

    private readonly List<Daemon> _daemons = [];
    private int _nextId;
    private bool _stopping;

    /// <summary>Raised (on the loop thread) when a control daemon dies: the master stops.</summary>
    public Action<string>? ControlDied { get; init; }

    public int Count => _daemons.Count(d => !d.Retired);

    /// <summary>Starts the configured daemons (adopting live smart ones).</summary>
    public void Start(IEnumerable<DaemonSpec> specs)
    {
        foreach (var spec in specs)
        {
            var d = new Daemon(++_nextId, spec);
            foreach (var t in spec.Touch) d.Touched[t] = Mtime(t);
            _daemons.Add(d);
            if (spec.Smart && ReadPidfile(spec) is int pid && launcher.IsAlive(pid))
            {
                d.TrackedPid = pid;
                log.Information("[uwsgi-daemons] found valid/active pidfile for \"{Command}\" (pid: {Pid})", spec.Command, pid);
            }
            else Spawn(d);
        }
    }

    /// <summary>Once a second: due restarts, smart pidfiles, touch files, stop escalation.</summary>
    public void Check(TimeSpan mercy)
    {
        var now = time.GetUtcNow();
        foreach (var row in table.OfKind(ProcessKind.Daemon).Where(r => r.IsStopping && r.StopStep < StopStep.Killed && now - r.StopSentAt >= mercy).ToList())
        {
            log.Error("[uwsgi-daemons] daemon (pid: {Pid}) did not stop within the mercy: SIGKILL", row.Pid);
            launcher.Signal(row.Pid, Signals.SIGKILL);
            row.RecordStop(StopStep.Killed, now, StopReason.Mercy);
        }
        if (_stopping) return;
        bool oldStillStopping = table.OfKind(ProcessKind.Daemon).Any(r => r.IsStopping);
        foreach (var d in _daemons.Where(d => !d.Retired).ToList())
        {
            if (d.StartAt is DateTimeOffset at && now >= at && d.ChildPid is null && !oldStillStopping) Spawn(d);
            else if (d.Spec.Smart && d.ChildPid is null && d.StartAt is null) WatchPidfile(d, now);
            CheckTouch(d);
        }
    }

    /// <summary>A process of ours exited: returns false when it was not a daemon.</summary>
    public bool OnExit(int pid, int exitCode)
    {
        if (table.ByPid(pid) is not { Kind: ProcessKind.Daemon } row) return false;
        table.Remove(row);
        var d = _daemons.FirstOrDefault(x => x.ChildPid == pid);
        if (d is null) return true; // a retired daemon (reload, stop)
        d.ChildPid = null;
        if (_stopping || row.IsStopping) return true;
        if (d.Spec.Smart && !d.Spec.Daemonize && ReadPidfile(d.Spec) is int tracked && launcher.IsAlive(tracked))
        {
            d.TrackedPid = tracked; // it daemonized: watch the pidfile from now on
            return true;
        }
        Died(d, $"exit code {exitCode}");
        return true;
    }

    private void WatchPidfile(Daemon d, DateTimeOffset now)
    {
        int? pid = ReadPidfile(d.Spec) ?? d.TrackedPid;
        if (pid is int p && launcher.IsAlive(p))
        {
            d.TrackedPid = p;
            return;
        }
        d.TrackedPid = null;
        Died(d, "its pidfile names no running process");
    }

    private void Died(Daemon d, string why)
    {
        var now = time.GetUtcNow();
        if (d.Spec.Control)
        {
            log.Error("[uwsgi-daemons] control daemon \"{Command}\" died ({Why}): stopping the instance", d.Spec.Command, why);
            ControlDied?.Invoke(d.Spec.Command);
            return;
        }
        bool quick = now - d.StartedAt < StableAfter;
        d.QuickDeaths = quick ? d.QuickDeaths + 1 : 0;
        var delay = quick ? TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, d.QuickDeaths - 1))) : TimeSpan.Zero;
        d.StartAt = now + delay;
        if (quick) log.Warning("[uwsgi-daemons] \"{Command}\" died after {Seconds:0.#} s ({Why}): throttling, respawn in {Delay} s",
            d.Spec.Command, (now - d.StartedAt).TotalSeconds, why, delay.TotalSeconds);
        else log.Information("[uwsgi-daemons] \"{Command}\" died ({Why}): respawning", d.Spec.Command, why);
    }

    private void Spawn(Daemon d)
    {
        d.StartAt = null;
        d.StartedAt = time.GetUtcNow();
        int pid;
        try
        {
            pid = launcher.Start(d.Spec, OnExited);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or NativeException)
        {
            log.Error("[uwsgi-daemons] cannot start \"{Command}\": {Reason}", d.Spec.Command, e.Message);
            Died(d, e.Message);
            return;
        }
        d.ChildPid = pid;
        var row = new WorkerEntry(d.Id, pid, 0, d.StartedAt, 0, ProcessKind.Daemon);
        row.MarkReady();
        table.Add(row);
        if (d.Spec.Smart && d.Spec.Daemonize) WritePidfile(d.Spec, pid);
        log.Information("[uwsgi-daemons] spawning \"{Command}\" (pid: {Pid}, uid: {Uid} gid: {Gid})", d.Spec.Command, pid, Libc.GetUid(), Libc.GetGid());
    }

    /// <summary>Set by the master: where exits are enqueued (the launcher calls back on any thread).</summary>
    public Action<int, int> OnExited { get; set; } = (_, _) => { };
}
