// What the Emperor does to one vassal: start, reload, stop, and the decision after it exited.

using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Emperor;

public sealed partial class Emperor
{
    /// <summary>`--ini` before-templates, the vassal file, the templates read after it, then `--set` for each vassals-set.</summary>
    public static List<string> VassalArguments(Config.Options.ServerOptions options, string configFile)
    {
        var args = new List<string>();
        foreach (string t in options.VassalsIncludeBefore.Concat(options.VassalsInheritBefore)) args.AddRange(["--ini", Path.GetFullPath(t)]);
        args.AddRange(["--ini", configFile]);
        foreach (string t in options.VassalsInclude.Concat(options.VassalsInherit)) args.AddRange(["--ini", Path.GetFullPath(t)]);
        foreach (string set in options.VassalsSet) args.AddRange(["--set", set]);
        return args;
    }

    private void Start(Vassal v)
    {
        bool respawn = v.FirstRun is not null;
        v.LastRun = Now; // also for a failed start: the throttle counts it as an early death
        try
        {
            v.Pid = launcher.Start(VassalArguments(options, v.ConfigFile), Path.GetDirectoryName(v.ConfigFile)!, (pid, code) => Post(new EmperorEvent.Exited(pid, code)));
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            log.Error("[emperor] cannot start vassal {Id}: {Message}", v.Id, e.Message);
            Throttle(v, exitCode: null);
            return;
        }
        v.State = VassalState.Running;
        v.FirstRun ??= v.LastRun;
        if (respawn) v.Respawns++;
        log.Information("[emperor] vassal {Id} has been {Verb} (pid {Pid})", v.Id, respawn ? "respawned" : "spawned", v.Pid);
    }

    private void Touched(Vassal v, DateTime lastMod)
    {
        v.LastMod = lastMod;
        v.Throttle.Reset(); // a new file content deserves a fresh start
        if (v.State == VassalState.Running) Reload(v);
        else if (v.State == VassalState.Throttled) Start(v);
    }

    private void Reload(Vassal v)
    {
        log.Information("[emperor] reload the dotnetwsgi instance {Id} (pid {Pid})", v.Id, v.Pid);
        v.Reloads++;
        launcher.Signal(v.Pid, Signals.SIGHUP);
    }

    private void Removed(Vassal v)
    {
        log.Information("[emperor] vassal file {File} is gone", v.ConfigFile);
        StopVassal(v);
    }

    private void StopVassal(Vassal v)
    {
        if (v.State == VassalState.Stopping) return;
        if (v.State == VassalState.Throttled)
        {
            _vassals.Remove(v.ConfigFile);
            log.Information("[emperor] removed dotnetwsgi instance {Id} (it was not running)", v.Id);
            return;
        }
        log.Information("[emperor] stop the dotnetwsgi instance {Id} (pid {Pid})", v.Id, v.Pid);
        v.State = VassalState.Stopping;
        v.StopDeadline = Now + StopMercy;
        launcher.Signal(v.Pid, Signals.SIGTERM);
    }

    private void OnExited(int pid, int code)
    {
        var v = _vassals.Values.FirstOrDefault(x => x.Pid == pid);
        if (v is null) return;
        v.Pid = 0;
        v.LastExitCode = code;
        if (v.State == VassalState.Stopping)
        {
            _vassals.Remove(v.ConfigFile);
            _seen.Remove(v.ConfigFile); // a file put back meanwhile is a new vassal at the next scan
            log.Information("[emperor] removed dotnetwsgi instance {Id} (exit code {Code})", v.Id, code);
            return;
        }
        Throttle(v, code);
    }

    /// <summary>An unexpected exit (or a failed start): restart now if it was loyal, else after the throttle.</summary>
    private void Throttle(Vassal v, int? exitCode)
    {
        var startAt = v.Throttle.OnExit(v.LastRun, Now);
        double ran = (Now - v.LastRun).TotalSeconds;
        if (startAt <= Now)
        {
            log.Warning("[emperor] vassal {Id} exited (code {Code}) after {Ran:0} s: respawning", v.Id, exitCode, ran);
            Start(v);
            return;
        }
        v.State = VassalState.Throttled;
        v.NextStart = startAt;
        log.Warning("[emperor] vassal {Id} exited (code {Code}) after {Ran:0.0} s, {Deaths} early death(s) in a row: throttling its restart for {Ms} ms",
            v.Id, exitCode, ran, v.Throttle.EarlyDeaths, (long)v.Throttle.Level.TotalMilliseconds);
    }
}
