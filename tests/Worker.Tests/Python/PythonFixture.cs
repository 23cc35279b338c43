// One embedded interpreter per test process (Python cannot be re-initialised), shared by every
// Python test in one non-parallel collection. Hosts are cached by a name so each app loads once.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Python;

namespace DotnetWsgi.Worker.Tests.Python;

[CollectionDefinition("Python", DisableParallelization = true)]
public sealed class PythonCollection : ICollectionFixture<PythonFixture>;

public sealed class PythonFixture : IDisposable
{
    private readonly Dictionary<string, PythonApplicationHost> _hosts = [];

    public static string RepoRoot => Repo.Root;
    public static string AppsDir { get; } = Path.Combine(AppContext.BaseDirectory, "apps");
    public static string FlaskDir { get; } = Path.Combine(RepoRoot, "samples", "flask");

    public CollectingSink Log { get; } = new();

    /// <summary>A host for the raw WSGI test apps: wsgi_cases.{callable}.</summary>
    public PythonApplicationHost Cases(string callable, int threads = 1)
        => Host($"cases:{callable}:{threads}", new ServerOptions
        {
            Module = $"wsgi_cases:{callable}",
            PythonPath = [AppsDir],
            Threads = threads,
        });

    public PythonApplicationHost Host(string name, ServerOptions options)
    {
        if (_hosts.TryGetValue(name, out var host)) return host;
        host = new PythonApplicationHost(options, Log.Logger);
        host.Load();
        _hosts[name] = host;
        return host;
    }

    public void Dispose()
    {
        foreach (var h in _hosts.Values) h.Dispose();
        Directory.SetCurrentDirectory(RepoRoot);
    }

}
