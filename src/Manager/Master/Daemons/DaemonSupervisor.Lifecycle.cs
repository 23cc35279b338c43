// Reload, stop and the files of DaemonSupervisor: touch checks and pidfiles.

using System.Globalization;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Master.Daemons;

public sealed partial class DaemonSupervisor
{
    /// <summary>The master reloads: plain daemons stop and start again with the new configuration's list
    /// (or get their reloadsignal); smart ones keep running and are kept when still configured.</summary>
    public void Reload(IEnumerable<DaemonSpec> specs)
    {
        var next = specs.ToList();
        foreach (var d in _daemons.Where(d => !d.Retired).ToList())
        {
            if (d.Spec.ReloadSignal > 0 && next.Remove(d.Spec))
            {
                if (d.ChildPid is int pid) launcher.Signal(pid, d.Spec.ReloadSignal);
                log.Information("[uwsgi-daemons] sent {Signal} to \"{Command}\" for the reload", Signals.Name(d.Spec.ReloadSignal), d.Spec.Command);
                continue;
            }
            if (d.Spec.Smart)
            {
                if (!next.Remove(d.Spec)) d.Retired = true; // no longer configured: left running, no longer watched
                continue;
            }
            StopOne(d, StopReason.Reload);
        }
        _daemons.RemoveAll(d => d.Retired);
        foreach (var spec in next)
        {
            var d = new Daemon(++_nextId, spec) { StartAt = time.GetUtcNow() }; // started once the old ones are gone
            foreach (var t in spec.Touch) d.Touched[t] = Mtime(t);
            _daemons.Add(d);
        }
    }

    /// <summary>The master stops: plain daemons get their stop signal; smart ones are left running.</summary>
    public void StopAll()
    {
        _stopping = true;
        foreach (var d in _daemons.ToList())
        {
            if (d.Spec.Smart)
            {
                if (d.ChildPid is int child && table.ByPid(child) is { } row) table.Remove(row); // survives the master
                d.ChildPid = null;
                continue;
            }
            StopOne(d, StopReason.Shutdown);
        }
    }

    private void StopOne(Daemon d, StopReason reason)
    {
        d.Retired = true;
        if (d.ChildPid is not int pid || table.ByPid(pid) is not { IsStopping: false } row) return;
        log.Information("[uwsgi-daemons] stopping \"{Command}\" (pid: {Pid}) with {Signal}", d.Spec.Command, pid, Signals.Name(d.Spec.StopSignal));
        launcher.Signal(pid, d.Spec.StopSignal);
        row.RecordStop(StopStep.Graceful, time.GetUtcNow(), reason);
    }

    private void CheckTouch(Daemon d)
    {
        foreach (var (path, before) in d.Touched.ToList())
        {
            var now = Mtime(path);
            if (now == before) continue;
            d.Touched[path] = now;
            log.Information("[uwsgi-daemons] {Path} touched: restarting \"{Command}\"", path, d.Spec.Command);
            if (d.ChildPid is int pid && table.ByPid(pid) is { IsStopping: false } row)
            {
                launcher.Signal(pid, d.Spec.StopSignal);
                row.RecordStop(StopStep.Graceful, time.GetUtcNow(), StopReason.Replaced);
                d.ChildPid = null;
            }
            else if (d.TrackedPid is int tracked) launcher.Signal(tracked, d.Spec.StopSignal);
            d.QuickDeaths = 0;
            d.StartAt = time.GetUtcNow();
        }
    }

    private static DateTime? Mtime(string path) => File.Exists(path) ? File.GetLastWriteTimeUtc(path) : null;

    private static int? ReadPidfile(DaemonSpec spec)
    {
        try
        {
            return int.TryParse(File.ReadAllText(spec.Pidfile!).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0 ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private void WritePidfile(DaemonSpec spec, int pid)
    {
        try { File.WriteAllText(spec.Pidfile!, pid.ToString(CultureInfo.InvariantCulture) + "\n"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Error("[uwsgi-daemons] cannot write pidfile {Path}: {Reason}", spec.Pidfile, e.Message);
        }
    }
}
