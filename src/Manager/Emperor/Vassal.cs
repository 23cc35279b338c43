// One row of the Emperor's table: a vassal ini file and the master process running it. The state
// says what the Emperor waits for; only the Emperor's loop thread reads or writes a Vassal.

namespace DotnetWsgi.Manager.Emperor;

public enum VassalState
{
    /// <summary>Its master runs (also while it reloads in place after a touch).</summary>
    Running,
    /// <summary>It died early: waiting for NextStart (throttled).</summary>
    Throttled,
    /// <summary>SIGTERM sent (file removed or Emperor stopping): waiting for its exit, SIGKILL at StopDeadline.</summary>
    Stopping,
}

public sealed class Vassal(string configFile, DateTime lastMod, VassalThrottle throttle)
{
    public string ConfigFile { get; } = configFile;
    /// <summary>The file name, the vassal's id in logs and stats (as uWSGI names vassals).</summary>
    public string Id { get; } = Path.GetFileName(configFile);
    public VassalState State { get; set; } = VassalState.Running;
    /// <summary>The vassal master's pid, 0 while none runs.</summary>
    public int Pid { get; set; }
    public DateTime LastMod { get; set; } = lastMod;
    public DateTimeOffset? FirstRun { get; set; }
    public DateTimeOffset LastRun { get; set; }
    public DateTimeOffset NextStart { get; set; }
    public DateTimeOffset StopDeadline { get; set; }
    public bool Killed { get; set; }
    /// <summary>Starts after the first (restarts after deaths).</summary>
    public int Respawns { get; set; }
    /// <summary>Graceful reloads asked by touching the file (or SIGHUP to the Emperor).</summary>
    public int Reloads { get; set; }
    public int? LastExitCode { get; set; }
    public VassalThrottle Throttle { get; } = throttle;
}
