// The stats JSON's `spoolers` section, after `workers`, as uWSGI 2.0.21 prints it: one entry per
// spooler process (so `spooler-processes = 2` shows two entries with the same dir), present only
// when a spooler is configured. uWSGI 2.0.21 prints no section for mules, and neither does this.

namespace DotnetWsgi.Manager.Observability;

/// <summary>One spooler process: its directory, pid (0 while being restarted), jobs it ran, times it
/// was restarted in this generation, and whether a job is running now.</summary>
public sealed record SpoolerView(string Dir, int Pid, long Tasks, long Respawns, bool Running);

public sealed partial class StatsReport
{
    /// <summary>The spooler processes now (set once by the master).</summary>
    public Func<IReadOnlyList<SpoolerView>> Spoolers { get; set; } = () => [];

    private void WriteSpoolers(StatsJsonWriter w)
    {
        var spoolers = Spoolers();
        if (spoolers.Count > 0) w.ObjectList("spoolers", spoolers, s => WriteSpooler(w, s));
    }

    private static void WriteSpooler(StatsJsonWriter w, SpoolerView s)
    {
        w.Value("dir", s.Dir);
        w.Value("pid", s.Pid);
        w.Value("tasks", s.Tasks);
        w.Value("respawns", s.Respawns);
        w.Value("running", s.Running ? 1 : 0);
    }
}
