// The cheaper subsystem (cheaper = N > 0): the worker target moves between `cheaper` and `processes`
// by what a CheaperAlgorithm decides once a second; ManageWorkers() then spawns, or retires an idle
// worker gracefully (a cheaped worker finishes its requests). Decisions wait while a worker starts
// or a reload replaces workers, so a new worker counts only once it accepts. The workers' memory
// limits (cheaper-rss-limit-*, Master.CheaperLimits.cs) are checked before the algorithm is asked.

using DotnetWsgi.Manager.Master.Cheaper;

namespace DotnetWsgi.Manager.Master;

public sealed partial class Master
{
    private CheaperAlgorithm? _cheaper;
    private readonly Dictionary<int, (long RunningUs, DateTimeOffset At)> _busySeen = [];

    /// <summary>Whether the worker count is adaptive (stats show the idle slots as cheap).</summary>
    public bool CheaperEnabled => _cheaper is not null;

    /// <summary>processes, within the scoreboard's room (no warning: ClampTarget warns once).</summary>
    private int MaxWorkers => Math.Max(1, Math.Min(_options.Processes, _table.Capacity / 2));

    private int CheaperMin => Math.Clamp(_options.Cheaper, 1, _options.Processes);

    /// <summary>Sets up the algorithm; returns the initial worker target.</summary>
    private int InitCheaper(int processes)
    {
        _cheaper = null;
        _checks.Remove("cheaper");
        _rssHardLimit = 0;
        if (_options.Cheaper <= 0) return processes;
        if (_options.Cheaper >= _options.Processes)
        {
            _log.Warning("cheaper = {Cheaper} is not below processes = {Processes}: every process runs", _options.Cheaper, _options.Processes);
            return processes;
        }
        _cheaper = CheaperAlgorithm.Named(_options.CheaperAlgo, _options);
        if (_cheaper is null)
        {
            _log.Warning("cheaper-algo = {Algo} is unknown (spare, spare2, backlog, busyness): using spare", _options.CheaperAlgo);
            _cheaper = new SpareAlgorithm(_options);
        }
        foreach (string note in _cheaper.TakeNotes()) _log.Information("{Note}", note);
        _checks.Add("cheaper", TickInterval, RunCheaper);
        _rssHardLimit = RssHardLimit();
        int initial = _options.CheaperInitial > 0 ? _options.CheaperInitial : _options.Cheaper;
        _log.Information("cheaper mode: {Algo}, between {Min} and {Max} workers, {Initial} at first",
            _options.CheaperAlgo, CheaperMin, processes, Math.Clamp(initial, CheaperMin, processes));
        return Math.Clamp(initial, CheaperMin, processes);
    }

    private void RunCheaper()
    {
        var live = _table.Live.ToList();
        if (_cheaper is null || _rollout.InProgress || live.Any(w => w.State == WorkerState.Starting || w.ReplaceWhenReady)) return;
        var accepting = live.Where(w => w.IsAccepting).ToList();
        var rss = CheckRssLimits(live);
        if (rss == RssLimitState.Hard) { CheapOne(ScalingReason.RssLimit, null); return; }
        int room = rss == RssLimitState.Soft ? 0 : Math.Max(0, MaxWorkers - _target);
        var sample = new CheaperSample(accepting.Count, accepting.Count(w => w.State == WorkerState.Busy), ListenBacklog(), Busyness(accepting), room);
        int decision = _cheaper.Decide(sample);
        foreach (string note in _cheaper.TakeNotes()) _log.Information("{Note}", note);
        if (decision > 0 && room > 0) SpawnMore(Math.Min(decision, room), sample);
        else if (decision < 0) CheapOne(_cheaper.CheapReason, sample);
    }

    private void SpawnMore(int count, CheaperSample sample)
    {
        _target += count;
        _scaling.Record(up: true, _cheaper!.SpawnReason.Label());
        _log.Information("cheaper ({Algo}, {Reason}): {Busy} of {Accepting} workers busy, backlog {Backlog}, busyness {Busyness}%: spawning {Count} worker(s)",
            _options.CheaperAlgo, _cheaper.SpawnReason.Label(), sample.Busy, sample.Accepting, sample.Backlog, (int)(sample.Busyness * 100), count);
    }

    /// <summary>One worker fewer, never below `cheaper`; sample is null when the RSS hard limit cheaps (the algorithm was not asked).</summary>
    private void CheapOne(ScalingReason reason, CheaperSample? sample)
    {
        if (_target <= CheaperMin) return;
        _target--;
        _scaling.Record(up: false, reason.Label());
        if (sample is { } s)
            _log.Information("cheaper ({Algo}, {Reason}): {Busy} of {Accepting} workers busy, backlog {Backlog}, busyness {Busyness}%: cheaping one worker",
                _options.CheaperAlgo, reason.Label(), s.Busy, s.Accepting, s.Backlog, (int)(s.Busyness * 100));
    }

    /// <summary>SIGTTIN/SIGTTOU, fifo `+`/`-`: one more or one fewer worker, counted as a scaling event when the target moves.</summary>
    private void MoveTargetByCommand(bool up, string source)
    {
        int before = _target;
        _target = up ? ClampTarget(_target + 1) : Math.Max(1, _target - 1);
        if (_target != before) _scaling.Record(up, ScalingReason.Command.Label());
        _log.Information("{Source}: workers wanted: {Target}", source, _target);
    }

    private long ListenBacklog()
        => _deps.Listeners?.Listeners.Where(l => l.Spec.Family == Config.Options.SocketFamily.Tcp)
            .Sum(l => _deps.Proc.TcpListenQueue(null, l.Spec.Port) ?? 0) ?? 0;

    /// <summary>Share of the accepting workers' threads busy since the last sample (from the scoreboard's running time).</summary>
    private double Busyness(List<WorkerEntry> accepting)
    {
        var now = _time.GetUtcNow();
        double sum = 0;
        int counted = 0;
        foreach (var w in accepting)
        {
            long running = _deps.Scoreboard.Slot(w.Id).RunningTimeUs;
            if (_busySeen.TryGetValue(w.Pid, out var seen) && now > seen.At)
            {
                double capacityUs = (now - seen.At).TotalMicroseconds * Math.Max(1, _options.Threads);
                sum += Math.Clamp((running - seen.RunningUs) / capacityUs, 0, 1);
                counted++;
            }
            _busySeen[w.Pid] = (running, now);
        }
        foreach (int gone in _busySeen.Keys.Where(pid => accepting.All(w => w.Pid != pid)).ToList()) _busySeen.Remove(gone);
        return counted == 0 ? 0 : sum / counted;
    }
}
