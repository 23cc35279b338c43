using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Hosting;

namespace DotnetWsgi.Worker.Python;

// Placeholder replaced by the Python hosting work (issue 3).
public sealed class PythonApplicationHost(ServerOptions options, Serilog.ILogger log) : IApplicationHost
{
    public void Load() => throw new NotImplementedException();
    public void AttachThread() => throw new NotImplementedException();
    public void DetachThread() => throw new NotImplementedException();
    public void Handle(RequestContext ctx) => throw new NotImplementedException();
    public void Dispose() { }
}
