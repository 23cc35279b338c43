// Overview
// The master's recurring work, each a named check with its own interval (harakiri, stop
// escalation, lifetime, memory, touch files, log size; later timers and daemons). The loop asks
// RunDue() once per iteration and sleeps no longer than UntilNext; a feature adds a check with
// Add() instead of another branch in the loop. Checks flagged whileStopping also run during a stop.

namespace DotnetWsgi.Manager.Master;

public sealed class PeriodicChecks(TimeProvider time)
{
    private sealed class Check(string name, TimeSpan interval, Action run, bool whileStopping)
    {
        public string Name { get; } = name;
        public TimeSpan Interval { get; } = interval;
        public Action Run { get; } = run;
        public bool WhileStopping { get; } = whileStopping;
        public DateTimeOffset Next { get; set; }
    }

    private readonly List<Check> _checks = [];

    public IEnumerable<string> Names => _checks.Select(c => c.Name);

    /// <summary>Adds (or replaces, by name) a check first due one interval from now.</summary>
    public void Add(string name, TimeSpan interval, Action run, bool whileStopping = false)
    {
        _checks.RemoveAll(c => c.Name == name);
        _checks.Add(new Check(name, interval, run, whileStopping) { Next = time.GetUtcNow() + interval });
    }

    public void Remove(string name) => _checks.RemoveAll(c => c.Name == name);

    /// <summary>Runs the checks that are due, each through guard (which logs a failure instead of ending the loop).</summary>
    public void RunDue(bool stopping, Action<Action, string> guard) => Run(stopping, guard, force: false);

    /// <summary>Runs every check now (a tick in tests with a fake clock).</summary>
    public void RunAll(bool stopping, Action<Action, string> guard) => Run(stopping, guard, force: true);

    private void Run(bool stopping, Action<Action, string> guard, bool force)
    {
        var now = time.GetUtcNow();
        foreach (var c in _checks.ToList())
        {
            if (stopping && !c.WhileStopping || !force && now < c.Next) continue;
            c.Next = now + c.Interval;
            guard(c.Run, c.Name);
        }
    }

    /// <summary>Time until the next check is due (zero when one is overdue).</summary>
    public TimeSpan UntilNext()
    {
        if (_checks.Count == 0) return TimeSpan.FromSeconds(1);
        var wait = _checks.Min(c => c.Next) - time.GetUtcNow();
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }
}
