// The master's side of attached daemons (Daemons/DaemonSupervisor): started with the first
// generation, checked once a second (also while stopping, so their stops escalate), restarted on a
// full reload with the new configuration's list, stopped with the instance.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Master.Daemons;

namespace DotnetWsgi.Manager.Master;

public sealed partial class Master
{
    private DaemonSupervisor? _daemons;
    private List<DaemonSpec> _daemonSpecs = [];

    /// <summary>The daemon lines of these options; a bad one is a start-up error (the configuration loader reports it first).</summary>
    private static List<DaemonSpec> ParseDaemons(ServerOptions options)
    {
        try { return DaemonSpec.FromOptions(options); }
        catch (DaemonLineException e) { throw new MasterStartupException(e.Message); }
    }

    /// <summary>Parses the daemon options (a bad one is a start-up error) and prepares the supervisor.</summary>
    private void InitDaemons()
    {
        _daemonSpecs = ParseDaemons(_options);
        if (_deps.Daemons is not { } launcher) return;
        _daemons = new DaemonSupervisor(launcher, _table, _time, _log)
        {
            ControlDied = command => Enqueue(MasterCommand.GracefulStop, $"control daemon \"{command}\" died"),
            OnExited = (pid, code) => Enqueue(new WorkerExited(pid, code)),
        };
        _checks.Add("attached daemons", TickInterval, () => _daemons.Check(TimeSpan.FromSeconds(_options.WorkerReloadMercy)), whileStopping: true);
    }

    private void StartDaemons() => _daemons?.Start(_daemonSpecs);

    /// <summary>A full reload (the configuration was re-read): daemons follow the new list.</summary>
    private void ReloadDaemons(List<DaemonSpec> specs)
    {
        _daemonSpecs = specs;
        _daemons?.Reload(specs);
    }
}
