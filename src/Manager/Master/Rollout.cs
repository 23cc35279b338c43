// Overview
// The generation the master is rolling out and how. A reload starts a new generation: the options
// of that generation are written to a config file the new workers read, and the running workers are
// marked ReplaceWhenReady. The mode says how replacements are started:
//   None      nothing is rolling out; workers marked on their own (recycle, lifetime, memory cap)
//             are replaced one at a time, so recycles that fall due together are staggered;
//   Parallel  a graceful reload: every replacement starts at once;
//   Chain     a chain reload: one replacement at a time, each accepting before its victim stops.
// In every mode a marked worker is retired only once a fresh one accepts in its place.

namespace DotnetWsgi.Manager.Master;

public enum RolloutMode { None, Parallel, Chain }

public sealed class Rollout
{
    public long Generation { get; private set; }
    public RolloutMode Mode { get; private set; } = RolloutMode.None;
    /// <summary>The options file of the current generation (what a worker spawned now reads).</summary>
    public string ConfigPath { get; private set; } = "";
    /// <summary>Workers spawned in this generation (the first `processes` are spawns, later ones respawns).</summary>
    public int Spawned { get; private set; }

    /// <summary>A reload (graceful or chain) is replacing workers.</summary>
    public bool InProgress => Mode != RolloutMode.None;

    /// <summary>Starts generation N+1 with its options file; mode None for the first one and brutal reloads.</summary>
    public void Begin(RolloutMode mode, string configPath)
    {
        Generation++;
        Mode = mode;
        ConfigPath = configPath;
        Spawned = 0;
    }

    /// <summary>Counts a spawn; returns true when it is a respawn (more than `target` in this generation).</summary>
    public bool CountSpawn(int target) => Spawned++ >= target;

    /// <summary>Every marked worker was replaced, or the rollout was abandoned (a replacement could not load the app).</summary>
    public void End() => Mode = RolloutMode.None;

    /// <summary>How many replacements may start now, given the spawnable count and whether one is still starting.</summary>
    public int ReplacementsToStart(int spawnable, bool anyMarked, bool oneStarting)
    {
        if (!anyMarked || Mode == RolloutMode.Parallel) return spawnable;
        return oneStarting ? 0 : Math.Min(spawnable, 1);
    }
}
