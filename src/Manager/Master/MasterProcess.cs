using DotnetWsgi.Config;
using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Manager.Master;

// Placeholder replaced by the master work (issue 4).
public static class MasterProcess
{
    /// <summary>
    /// Runs the master until it stops; returns the process exit code. reloadConfig re-reads the
    /// configuration from the original sources (graceful reload).
    /// </summary>
    public static int Run(ServerOptions options, Func<ConfigResult> reloadConfig)
        => throw new NotImplementedException("master not built yet");
}
