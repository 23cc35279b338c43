using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Nginx;

/// <summary>The published dotnetwsgi started on a temp ini; stopped by its PID (SIGTERM: graceful stop).</summary>
internal sealed class DotnetWsgiServer : IDisposable
{
    private readonly ChildProcess _process;
    public string Dir { get; }
    public string Ini { get; }

    public DotnetWsgiServer(string ini, IDictionary<string, string>? environment = null)
    {
        Dir = Repo.TempDir("dnw");
        Ini = Path.Combine(Dir, "app.ini");
        File.WriteAllText(Ini, ini);
        _process = new ChildProcess(Repo.Binary, ["--ini", Ini], Dir, Signals.SIGTERM, environment);
    }

    public int Pid => _process.Pid;
    public string Output => _process.Output;

    public DotnetWsgiServer WaitForPort(int port) { _process.WaitForPort(port, TimeSpan.FromSeconds(60)); return this; }
    public DotnetWsgiServer WaitForFile(string path) { _process.WaitForFile(path, TimeSpan.FromSeconds(60)); return this; }

    public void Dispose()
    {
        _process.Dispose();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
