// Overview
// The real master in its own process (MasterHostApp: MasterProcess.Run with the stand-in worker),
// configured by a ServerOptionsJson file in a temp dir, listening on a free 127.0.0.1 port. Tests
// signal it, read its pidfile and output, and kill it. Dispose kills the master and every worker
// pid it logged, by pid.

using System.Diagnostics;
using System.Text.RegularExpressions;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Tests.Nginx;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Support;

public sealed partial class MasterHostProcess : IDisposable
{
    private static readonly string HostApp = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory,
        "../../../MasterHostApp/bin", new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, new DirectoryInfo(AppContext.BaseDirectory).Name, "MasterHostApp"));
    private static readonly string Apps = Path.Combine(AppContext.BaseDirectory, "apps");

    private readonly List<string> _output = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private Process? _process;

    public string Dir { get; } = Directory.CreateTempSubdirectory("dnw-host-").FullName;
    public string AppFile => Path.Combine(Dir, "app.py");
    public string OptionsFile => Path.Combine(Dir, "options.json");
    public string PidfilePath => Path.Combine(Dir, "master.pid");
    public int Port { get; } = Repo.FreePort();
    public ServerOptions Options { get; private set; }
    public Process Process => _process ?? throw new InvalidOperationException("not started");

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
        var info = new ProcessStartInfo(HostApp) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(OptionsFile);
        info.ArgumentList.Add(Path.Combine(Apps, "stand_in_worker.py"));
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        return this;
    }

    public List<string> Output { get { lock (_output) return [.. _output]; } }
    public bool Logged(string fragment) => Output.Any(l => l.Contains(fragment, StringComparison.Ordinal));

    public string Get(string path) => _http.GetStringAsync($"http://127.0.0.1:{Port}{path}").GetAwaiter().GetResult();

    /// <summary>Waits until a request is answered (readiness by polling, with a deadline).</summary>
    public MasterHostProcess WaitServing(bool daemon = false)
    {
        Wait.Until(() =>
        {
            if (!daemon && _process is { HasExited: true }) throw new InvalidOperationException($"master exited {_process.ExitCode}: {string.Join("\n", Output)}");
            try { Get("/pid"); return true; } catch (HttpRequestException) { return false; }
        }, "the instance to answer");
        return this;
    }

    /// <summary>Every worker pid the master logged (spawned and respawned).</summary>
    public List<int> WorkerPids()
        => Output.Select(l => WorkerPidPattern().Match(l)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).ToList();

    public int WaitForExit()
    {
        if (!Process.WaitForExit((int)Wait.Deadline.TotalMilliseconds)) throw new TimeoutException("master did not exit");
        Process.WaitForExit(); // after a true from the timed wait: drains the asynchronous output readers
        return Process.ExitCode;
    }

    public void Dispose()
    {
        var pids = WorkerPids();
        if (_process is { HasExited: false }) Libc.Kill(_process.Id, Signals.SIGKILL);
        foreach (int pid in pids) Libc.Kill(pid, Signals.SIGKILL);
        _process?.Dispose();
        _http.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }

    [GeneratedRegex(@"(?:spawned uWSGI worker \d+ \(pid: |Respawned uWSGI worker \d+ \(new pid: )(\d+)")]
    private static partial Regex WorkerPidPattern();
}
