// Overview
// The Emperor: one dotnetwsgi master (a vassal) per ini file its `emperor` patterns match. It runs as
// the master does: one loop thread takes events from a channel (a vassal exited, a signal, the
// once-a-second tick) and is the only code that touches the table of vassals. Every emperor-freq
// seconds the tick rescans the patterns: a new file starts a vassal, a changed mtime sends its master
// SIGHUP (a graceful reload in place, which re-reads the ini, so an edited file takes effect), a file
// gone gets SIGTERM (the master's graceful stop) and SIGKILL if it is still there after the mercy. A
// vassal that exits on its own is restarted, throttled when it dies early (VassalThrottle). Stopping
// the Emperor (SIGTERM, SIGINT, SIGQUIT) stops every vassal the same way and returns 0 once all are
// gone; SIGHUP reloads every vassal. Time comes from a TimeProvider.

using System.Threading.Channels;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Native.Interop;
using Serilog;

using DotnetWsgi.Manager.Master;

namespace DotnetWsgi.Manager.Emperor;

public abstract record EmperorEvent
{
    public sealed record Tick : EmperorEvent;
    public sealed record Exited(int Pid, int Code) : EmperorEvent;
    public sealed record Stop(string Signal) : EmperorEvent;
    public sealed record ReloadAll : EmperorEvent;
}

public sealed partial class Emperor(ServerOptions options, IVassalLauncher launcher, TimeProvider time, ILogger log)
{
    /// <summary>How long a stopping vassal may take before SIGKILL.</summary>
    public static readonly TimeSpan StopMercy = TimeSpan.FromSeconds(60);

    private readonly Channel<EmperorEvent> _events = Channel.CreateUnbounded<EmperorEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, Vassal> _vassals = new(StringComparer.Ordinal);
    private Dictionary<string, DateTime> _seen = new(StringComparer.Ordinal);
    private DateTimeOffset _nextScan;
    private bool _stopping;

    private bool _announced;

    /// <summary>systemd's notify socket (Type=notify): READY=1 after the first scan has launched the
    /// vassals found at start, STATUS lines as their number changes, STOPPING=1 on a stop.</summary>
    public SystemdNotifier? Notifier { get; init; }

    /// <summary>The vassals as the loop last saw them (for the stats server, read on other threads).</summary>
    public volatile IReadOnlyList<VassalSnapshot> Snapshot = [];

    public void Post(EmperorEvent e) => _events.Writer.TryWrite(e);

    /// <summary>Runs until stopped and every vassal is gone; returns the exit code (0).</summary>
    public int Run()
    {
        log.Information("*** starting dotnetwsgi Emperor (pid {Pid}) watching {Patterns} ***", Environment.ProcessId, string.Join(", ", options.Emperor));
        using var ticker = time.CreateTimer(_ => Post(new EmperorEvent.Tick()), null, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        while (true)
        {
            var next = _events.Reader.ReadAsync().AsTask().GetAwaiter().GetResult();
            Handle(next);
            if (_stopping && _vassals.Count == 0)
            {
                log.Information("[emperor] all vassals are gone: goodbye");
                return 0;
            }
        }
    }

    /// <summary>One event, on the loop thread (public for tests that drive the loop by hand).</summary>
    public void Handle(EmperorEvent e)
    {
        switch (e)
        {
            case EmperorEvent.Tick: OnTick(); break;
            case EmperorEvent.Exited exited: OnExited(exited.Pid, exited.Code); break;
            case EmperorEvent.Stop stop: OnStop(stop.Signal); break;
            case EmperorEvent.ReloadAll: OnReloadAll(); break;
        }
        Publish();
    }

    private DateTimeOffset Now => time.GetUtcNow();

    private void OnTick()
    {
        if (!_stopping && Now >= _nextScan)
        {
            _nextScan = Now + TimeSpan.FromSeconds(options.EmperorFreq);
            var now = VassalScan.Scan(options.Emperor);
            int before = _vassals.Count;
            Apply(VassalScan.Compare(_seen, now), now);
            _seen = now;
            Announce(before);
        }
        if (!_stopping)
            foreach (var v in _vassals.Values.Where(v => v.State == VassalState.Throttled && v.NextStart <= Now).ToList())
                Start(v);
        foreach (var v in _vassals.Values.Where(v => v.State == VassalState.Stopping && !v.Killed && v.StopDeadline <= Now))
        {
            log.Warning("[emperor] vassal {Id} (pid {Pid}) did not stop within {Mercy} s: SIGKILL", v.Id, v.Pid, (int)StopMercy.TotalSeconds);
            launcher.Signal(v.Pid, Signals.SIGKILL);
            v.Killed = true;
        }
    }

    private void Apply(ScanChanges changes, IReadOnlyDictionary<string, DateTime> now)
    {
        foreach (string file in changes.Added)
        {
            if (_vassals.ContainsKey(file)) continue; // the old one is still stopping: the file is new again once it is gone
            var vassal = new Vassal(file, now[file], new VassalThrottle(
                TimeSpan.FromMilliseconds(options.EmperorThrottle), TimeSpan.FromMilliseconds(options.EmperorMaxThrottle)));
            _vassals[file] = vassal;
            Start(vassal);
        }
        foreach (string file in changes.Touched)
            if (_vassals.TryGetValue(file, out var vassal))
                Touched(vassal, now[file]);
        foreach (string file in changes.Removed)
            if (_vassals.TryGetValue(file, out var vassal))
                Removed(vassal);
    }

    private void OnStop(string signal)
    {
        if (_stopping) return;
        _stopping = true;
        log.Information("[emperor] {Signal} received: stopping {Count} vassal(s)", signal, _vassals.Count);
        Notifier?.Stopping($"The Emperor is stopping {_vassals.Count} vassals");
        foreach (var v in _vassals.Values.ToList())
            StopVassal(v);
    }

    private void OnReloadAll()
    {
        foreach (var v in _vassals.Values.Where(v => v.State == VassalState.Running))
            Reload(v);
    }

    private void Announce(int before)
    {
        if (Notifier is null) return;
        string status = $"The Emperor is governing {_vassals.Count} vassals";
        if (!_announced) Notifier.Ready(status);
        else if (before != _vassals.Count) Notifier.Status(status);
        _announced = true;
    }

    private void Publish() => Snapshot = [.. _vassals.Values.OrderBy(v => v.ConfigFile, StringComparer.Ordinal).Select(VassalSnapshot.Of)];
}
