// The published dotnetwsgi serving tests/Manager.Tests/apps/app.py from a temp ini on a free
// 127.0.0.1 port (MasterInstance: worker pids from the scoreboard, every process ended by PID).

namespace DotnetWsgi.Manager.Tests.Integration;

public sealed class BinaryInstance : MasterInstance
{
    public string AppFile => Path.Combine(Dir, "app.py");
    public string PidfilePath => Path.Combine(Dir, "app.pid");

    /// <summary>Starts the binary; extra holds more ini lines (`key = value`).</summary>
    public BinaryInstance(int processes, params string[] extra) : this(processes, newProcessGroup: false, extra) { }

    /// <summary>newProcessGroup: a session and process group of its own (see TestProcess).</summary>
    public BinaryInstance(int processes, bool newProcessGroup, params string[] extra)
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, "apps", "app.py"), AppFile);
        File.WriteAllLines(Ini,
        [
            "[uwsgi]",
            $"http-socket = 127.0.0.1:{Port}",
            $"wsgi-file = {AppFile}",
            $"processes = {processes}",
            $"pidfile = {PidfilePath}",
            "worker-reload-mercy = 30",
            .. extra,
        ]);
        Start(Repo.Binary, ["--ini", Ini], newProcessGroup: newProcessGroup);
    }
}
