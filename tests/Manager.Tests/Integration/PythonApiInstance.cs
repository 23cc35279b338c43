// The published dotnetwsgi serving apps/pyapi_app.py (uwsgidecorators, cache, spooler, a mule) from
// a temp directory on a free 127.0.0.1 port. Dispose kills the master, its workers, mules and
// spooler by the pids it logged.

using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using DotnetWsgi.Manager.Tests.Nginx;
using DotnetWsgi.Manager.Tests.Support;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Integration;

public sealed partial class PythonApiInstance : IDisposable
{
    private readonly List<string> _output = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60), DefaultRequestHeaders = { ConnectionClose = true } };
    private readonly Process _process;

    public string Dir { get; } = Directory.CreateTempSubdirectory("dnw-pyapi-").FullName;
    public string Out => Path.Combine(Dir, "out");
    public string SpoolDir => Path.Combine(Dir, "spool");
    public string PidfilePath => Path.Combine(Dir, "app.pid");
    public int Port { get; } = Repo.FreePort();

    public PythonApiInstance(params string[] extra)
    {
        Directory.CreateDirectory(Out);
        Directory.CreateDirectory(SpoolDir);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "apps", "pyapi_app.py"), Path.Combine(Dir, "pyapi_app.py"));
        File.WriteAllLines(Path.Combine(Dir, "app.ini"),
        [
            "[uwsgi]",
            $"http-socket = 127.0.0.1:{Port}",
            "wsgi-file = pyapi_app.py",
            "processes = 2",
            "master = true",
            $"pidfile = {PidfilePath}",
            "cache2 = name=shared,items=100,blocksize=128",
            "spooler = spool",
            "spooler-frequency = 1",
            "mule =",
            "acc-custom = hello",
            $"env = OUT_DIR={Out}",
            .. extra,
        ]);
        var info = new ProcessStartInfo(Repo.Binary)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = Dir,
        };
        info.ArgumentList.Add("app.ini");
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public List<string> Output { get { lock (_output) return [.. _output]; } }
    public int Count(string fragment) => Output.Count(l => l.Contains(fragment, StringComparison.Ordinal));

    public JsonElement Get(string path)
        => JsonDocument.Parse(_http.GetStringAsync($"http://127.0.0.1:{Port}{path}").GetAwaiter().GetResult()).RootElement;

    /// <summary>
    /// Requests path until a worker other than notWorker answers. An idle kernel may hand every new
    /// connection to the same worker, so each try first keeps one worker busy with a slow request
    /// (one thread per worker): the next connection goes to a free one.
    /// </summary>
    public JsonElement GetFromAnotherWorker(string path, int notWorker)
    {
        JsonElement answer = default;
        Wait.Until(() =>
        {
            var busy = _http.GetStringAsync($"http://127.0.0.1:{Port}/sleep?1");
            Thread.Sleep(200); // let the slow request be accepted first (a retry covers a slow start)
            answer = Get(path);
            busy.GetAwaiter().GetResult();
            return answer.GetProperty("worker").GetInt32() != notWorker;
        }, $"worker other than {notWorker} to answer {path}");
        return answer;
    }

    public PythonApiInstance WaitServing()
    {
        Wait.Until(() =>
        {
            if (_process.HasExited) throw new InvalidOperationException($"dotnetwsgi exited {_process.ExitCode}:\n{string.Join("\n", Output)}");
            try { Get("/opt"); return true; } catch (HttpRequestException) { return false; }
        }, "dotnetwsgi to answer");
        return this;
    }

    public string OutFile(string name) => Path.Combine(Out, name);

    /// <summary>Pids of a kind the master logged as spawned: "mule 1", "spooler", "uWSGI worker".</summary>
    public List<int> SpawnedPids(string what)
        => Output.Select(l => PidPattern().Match(l)).Where(m => m.Success && m.Groups[1].Value.StartsWith(what, StringComparison.Ordinal))
            .Select(m => int.Parse(m.Groups[2].Value)).ToList();

    public void Dispose()
    {
        var pids = Output.Select(l => PidPattern().Match(l)).Where(m => m.Success).Select(m => int.Parse(m.Groups[2].Value)).ToList();
        if (!_process.HasExited) Libc.Kill(_process.Id, Signals.SIGKILL);
        foreach (int pid in pids) Libc.Kill(pid, Signals.SIGKILL);
        _process.Dispose();
        _http.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }

    [GeneratedRegex(@"(?:spawned|Respawned) (uWSGI worker \d+|mule \d+[^(]*|spooler [^(]*) \((?:new )?pid: (\d+)")]
    private static partial Regex PidPattern();
}
