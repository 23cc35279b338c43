// Overview
// cheaper-algo = busyness, as uWSGI's cheaper_busyness plugin does it, counted in the master's
// one-second samples:
// - spawn `cheaper-step` workers after `cheaper-overload` s above `cheaper-busyness-max` %;
// - emergency workers: more than `cheaper-busyness-backlog-alert` queued connections, or a queue not
//   empty for `cheaper-busyness-backlog-nonzero` s, spawn `cheaper-busyness-backlog-step` workers at
//   once and reset the multiplier to its initial value;
// - cheap one worker after `cheaper-overload` × multiplier s below `cheaper-busyness-min` % with an
//   empty queue (never below `cheaper`); while emergency workers run the multiplier is
//   `cheaper-busyness-backlog-multiplier` instead, so a short spike's workers go sooner;
// - penalty: workers spawned for busyness within `cheaper-overload` × multiplier s of the last cheap
//   add `cheaper-busyness-penalty` to the multiplier (the next cheap waits longer); a spawn after
//   that, or a cheap right after a cheap, takes one off again, down to `cheaper-busyness-multiplier`;
// - `cheaper-busyness-verbose` notes every sample's figures and how long a cheap still waits.
// uWSGI resets its cheap timer only after three samples between min and max; here any such sample
// does (a worker is cheaped only after an unbroken quiet stretch).

using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Manager.Master.Cheaper;

public sealed class BusynessAlgorithm : CheaperAlgorithm
{
    private ScalingReason _spawnReason = ScalingReason.Busy;
    private Streak _high, _queued;
    private int _quietSeconds, _multiplier, _emergency;
    private long _sinceCheap = long.MaxValue / 2;
    private bool _lastWasCheap;

    public BusynessAlgorithm(ServerOptions options) : base(options)
    {
        _multiplier = InitialMultiplier;
        Note($"[busyness] settings: min={Options.CheaperBusynessMin}%, max={Options.CheaperBusynessMax}%, overload={Overload}, " +
            $"multiplier={_multiplier}, respawn penalty={Options.CheaperBusynessPenalty}, backlog alert={Options.CheaperBusynessBacklogAlert}, " +
            $"backlog step={BacklogStep}, backlog multiplier={BacklogMultiplier}, backlog non-zero={Options.CheaperBusynessBacklogNonzero}s");
    }

    public override ScalingReason SpawnReason => _spawnReason;
    public override ScalingReason CheapReason => ScalingReason.NotBusy;

    /// <summary>The cheaper multiplier now (grows by the penalty when workers come back too soon).</summary>
    public int Multiplier => _multiplier;

    /// <summary>Emergency workers counted as running (spawned for the backlog, not cheaped yet).</summary>
    public int EmergencyWorkers => _emergency;

    private int InitialMultiplier => Math.Max(1, Options.CheaperBusynessMultiplier);
    private int BacklogStep => Math.Max(1, Options.CheaperBusynessBacklogStep);
    private int BacklogMultiplier => Math.Max(1, Options.CheaperBusynessBacklogMultiplier);

    /// <summary>Seconds below the minimum before a worker is cheaped.</summary>
    private int CheapAfter => Overload * (_emergency > 0 ? BacklogMultiplier : _multiplier);

    public override int Decide(CheaperSample s)
    {
        _sinceCheap++;
        double percent = s.Busyness * 100;
        if (Options.CheaperBusynessVerbose)
            Note($"[busyness] average busyness of {s.Accepting} worker(s) is at {(int)percent}%, backlog {s.Backlog}, multiplier {_multiplier}, {_emergency} emergency worker(s)");
        bool queued = _queued.Holds(s.Backlog > 0, Math.Max(1, Options.CheaperBusynessBacklogNonzero));
        if (s.Room > 0 && (s.Backlog > Options.CheaperBusynessBacklogAlert || queued)) return SpawnEmergency(s);
        _spawnReason = ScalingReason.Busy;
        if (_high.Holds(percent > Options.CheaperBusynessMax, Overload)) return SpawnBusy(s.Room);
        if (percent < Options.CheaperBusynessMin && s.Backlog == 0) return Quiet(s.Accepting);
        _quietSeconds = 0;
        if (percent >= Options.CheaperBusynessMin && _emergency > 0) _emergency--; // busy enough: the spike's workers are ordinary ones now
        return 0;
    }

    private int SpawnEmergency(CheaperSample s)
    {
        _spawnReason = ScalingReason.Backlog; // emergency workers, whatever the busyness
        _multiplier = InitialMultiplier;
        _quietSeconds = 0;
        _lastWasCheap = false;
        int count = Math.Min(BacklogStep, s.Room);
        _emergency += count;
        Note($"[busyness] {s.Backlog} request(s) in the listen queue, spawning {count} emergency worker(s) ({_emergency} running)");
        return count;
    }

    private int SpawnBusy(int room)
    {
        if (room <= 0) return 0;
        if (_sinceCheap / Overload <= _multiplier)
        {
            _multiplier += Math.Max(0, Options.CheaperBusynessPenalty);
            Note($"[busyness] worker(s) respawned too fast, increasing cheaper multiplier to {_multiplier} (+{Options.CheaperBusynessPenalty})");
        }
        else DecreaseMultiplier();
        _quietSeconds = 0;
        _lastWasCheap = false;
        return Math.Min(Step, room);
    }

    private int Quiet(int accepting)
    {
        if (accepting <= Math.Max(1, Options.Cheaper))
        {
            _quietSeconds = 0; // nothing to cheap: the quiet stretch starts when there is
            return 0;
        }
        int needed = CheapAfter;
        if (++_quietSeconds < needed)
        {
            if (Options.CheaperBusynessVerbose) Note($"[busyness] need to wait {needed - _quietSeconds} more second(s) to cheap a worker");
            return 0;
        }
        if (_lastWasCheap) DecreaseMultiplier();
        _quietSeconds = 0;
        _lastWasCheap = true;
        _sinceCheap = 0;
        if (_emergency > 0) _emergency--;
        return -1;
    }

    private void DecreaseMultiplier()
    {
        if (_multiplier <= InitialMultiplier) return;
        _multiplier--;
        Note($"[busyness] decreasing cheaper multiplier to {_multiplier}");
    }
}
