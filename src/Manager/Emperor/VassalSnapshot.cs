// What the stats server and `dotnetwsgi top` show of one vassal, copied from the table by the loop.

namespace DotnetWsgi.Manager.Emperor;

public sealed record VassalSnapshot(string Id, string ConfigFile, int Pid, VassalState State, long Born, long FirstRun, long LastRun,
    long LastMod, bool Loyal, int Respawns, int Reloads, int? LastExitCode, long ThrottleMs, int EarlyDeaths, long NextStart)
{
    public static VassalSnapshot Of(Vassal v) => new(v.Id, v.ConfigFile, v.Pid, v.State,
        Born: v.LastRun.ToUnixTimeSeconds(), FirstRun: v.FirstRun?.ToUnixTimeSeconds() ?? 0, LastRun: v.LastRun.ToUnixTimeSeconds(),
        LastMod: new DateTimeOffset(v.LastMod).ToUnixTimeSeconds(), Loyal: v.State == VassalState.Running && v.Throttle.EarlyDeaths == 0,
        v.Respawns, v.Reloads, v.LastExitCode, (long)v.Throttle.Level.TotalMilliseconds, v.Throttle.EarlyDeaths,
        v.State == VassalState.Throttled ? v.NextStart.ToUnixTimeSeconds() : 0);
}
