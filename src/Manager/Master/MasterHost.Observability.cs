// Starts the stats server and the admin HTTP listener when configured; an address that cannot be
// bound stops the start-up with one line, like a socket that cannot be bound.

using DotnetWsgi.Manager.Observability;
using DotnetWsgi.Native;

namespace DotnetWsgi.Manager.Master;

internal sealed partial class MasterHost
{
    private ObservabilityHost? StartObservability(Scoreboard scoreboard)
    {
        if (string.IsNullOrEmpty(options.Stats) && string.IsNullOrEmpty(options.AdminHttp)) return null;
        var host = new ObservabilityHost(options, scoreboard, TimeProvider.System,
            logDropped: masterLog.File is { } file ? () => file.DroppedLines : null);
        try
        {
            host.Start(_log);
            return host;
        }
        catch (ObservabilityAddressException e)
        {
            host.Dispose();
            throw new MasterStartupException(e.Message);
        }
    }
}
