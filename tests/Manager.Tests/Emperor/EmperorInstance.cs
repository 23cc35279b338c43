// A dotnetwsgi Emperor a test starts (the published binary) on a vassal directory in a temp dir of
// its own, with its stats server on a free port. Vassal ini files are written with WriteVassal;
// VassalPid reads the stats document. Dispose ends the Emperor, every vassal master and every worker
// by PID (SIGTERM, then SIGKILL to every process seen below it), also after a failed assertion.

using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Emperor;

public sealed class EmperorInstance : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30), DefaultRequestHeaders = { ConnectionClose = true } };
    private readonly TestProcess _process;

    public string Dir { get; } = Repo.TempDir("emp");
    public string Vassals => Path.Combine(Dir, "vassals");
    public int StatsPort { get; } = Repo.FreePort();
    public TestProcess Process => _process;
    public static string App => Path.Combine(AppContext.BaseDirectory, "apps", "app.py");

    /// <param name="extra">More Emperor options as `--name value` tokens.</param>
    public EmperorInstance(Action<EmperorInstance>? before = null, params string[] extra) : this(before, null, extra) { }

    /// <param name="environment">More environment for the Emperor (e.g. NOTIFY_SOCKET).</param>
    public EmperorInstance(Action<EmperorInstance>? before, IDictionary<string, string>? environment, params string[] extra)
    {
        Directory.CreateDirectory(Vassals);
        before?.Invoke(this);
        _process = new TestProcess(Repo.Binary, ["--emperor", Vassals, "--emperor-freq", "1", "--emperor-stats", $"127.0.0.1:{StatsPort}", .. extra],
            Dir, Signals.SIGTERM, environment);
    }

    /// <summary>Writes DIR/vassals/name: an http-socket on port serving the test app, plus more ini lines.</summary>
    public string WriteVassal(string name, int port, params string[] lines)
    {
        string path = Path.Combine(Vassals, name);
        File.WriteAllText(path, $"[uwsgi]\nhttp-socket = 127.0.0.1:{port}\nwsgi-file = {App}\nprocesses = 1\n{string.Join("\n", lines)}\n");
        return path;
    }

    /// <summary>GET /pid on a vassal's port: the answering worker's pid, or null when nothing answers.</summary>
    public int? WorkerPid(int port)
    {
        try { return int.Parse(_http.GetStringAsync($"http://127.0.0.1:{port}/pid").GetAwaiter().GetResult()); }
        catch (HttpRequestException) { return null; }
        catch (TaskCanceledException) { return null; }
    }

    public void WaitServing(int port) => _process.WaitAlive(() => WorkerPid(port) is not null, $"a vassal answering on port {port}");

    /// <summary>The Emperor's stats document.</summary>
    public JsonElement Stats()
    {
        using var client = new TcpClient("127.0.0.1", StatsPort);
        using var reader = new StreamReader(client.GetStream(), Encoding.UTF8);
        return JsonDocument.Parse(reader.ReadToEnd()).RootElement.Clone();
    }

    /// <summary>The pid of the vassal master running file name (from the stats), 0 when it has none; tracked for Dispose.</summary>
    public int VassalPid(string name)
    {
        foreach (var v in Stats().GetProperty("vassals").EnumerateArray())
            if (v.GetProperty("id").GetString() == name)
            {
                int pid = v.GetProperty("pid").GetInt32();
                if (pid > 0) Track(pid);
                return pid;
            }
        return 0;
    }

    /// <summary>The live children of a vassal master (its workers), tracked for Dispose.</summary>
    public List<int> WorkersOf(int vassalPid)
    {
        var alive = ProcessTree.Children(vassalPid).Where(ProcessTree.IsAlive).ToList();
        alive.ForEach(Track);
        return alive;
    }

    private void Track(int pid)
    {
        _process.Track(pid);
        foreach (var p in ProcessTree.Descendants(pid)) _process.Track(p.Pid);
    }

    /// <summary>Every process below the Emperor now (vassal masters and workers), tracked for Dispose.</summary>
    public List<int> Family()
    {
        var all = ProcessTree.Descendants(_process.Pid).Select(p => p.Pid).ToList();
        all.ForEach(_process.Track);
        return all;
    }

    public void Dispose()
    {
        try { Family(); }
        finally
        {
            _process.Dispose();
            _http.Dispose();
            Repo.DeleteDir(Dir);
        }
    }
}
