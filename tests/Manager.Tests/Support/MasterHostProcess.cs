// The real master in its own process (MasterHostApp: MasterProcess.Run with the stand-in worker),
// configured by a ServerOptionsJson file in a temp dir, listening on a free 127.0.0.1 port
// (MasterInstance: worker pids from the scoreboard, every process ended by PID).

using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Manager.Tests.Support;

public sealed class MasterHostProcess : MasterInstance
{
    private static readonly string HostApp = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory,
        "../../../MasterHostApp/bin", new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, new DirectoryInfo(AppContext.BaseDirectory).Name, "MasterHostApp"));
    private static readonly string Apps = Path.Combine(AppContext.BaseDirectory, "apps");

    public string AppFile => Path.Combine(Dir, "app.py");
    public string OptionsFile => Path.Combine(Dir, "options.json");
    public string PidfilePath => Path.Combine(Dir, "master.pid");
    public ServerOptions Options { get; private set; }

    public MasterHostProcess(Func<MasterHostProcess, ServerOptions, ServerOptions>? configure = null)
    {
        File.Copy(Path.Combine(Apps, "app.py"), AppFile);
        var tcp = new SocketSpec("http-socket", $"127.0.0.1:{Port}", SocketProtocol.Http, SocketFamily.Tcp, "127.0.0.1", Port, null);
        Options = new ServerOptions { Processes = 2, WsgiFile = AppFile, Sockets = [tcp], Pidfile = PidfilePath, WorkerReloadMercy = 30 };
        if (configure is not null) Options = configure(this, Options);
        WriteOptions(Options);
    }

    public void WriteOptions(ServerOptions options)
    {
        Options = options;
        File.WriteAllText(OptionsFile, ServerOptionsJson.Serialize(options));
    }

    public MasterHostProcess Start()
    {
        Start(HostApp, [OptionsFile, Path.Combine(Apps, "stand_in_worker.py")]);
        return this;
    }
}
