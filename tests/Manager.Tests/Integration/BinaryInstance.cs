// Overview
// The published dotnetwsgi serving tests/Manager.Tests/apps/app.py from a temp ini on a free
// 127.0.0.1 port. Readiness is a polled request with a deadline; Dispose kills the master and every
// worker pid it logged, by pid.

using System.Diagnostics;
using System.Text.RegularExpressions;
using DotnetWsgi.Manager.Tests.Nginx;
using DotnetWsgi.Manager.Tests.Support;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Integration;

public sealed partial class BinaryInstance : IDisposable
{
    private readonly List<string> _output = [];
    // One request per connection, as nginx's uwsgi_pass does: these tests are about the master's
    // recycling, not about a keep-alive connection that a recycled worker leaves behind.
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60), DefaultRequestHeaders = { ConnectionClose = true } };
    private readonly Process _process;

    public string Dir { get; } = Directory.CreateTempSubdirectory("dnw-bin-").FullName;
    public string AppFile => Path.Combine(Dir, "app.py");
    public string Ini => Path.Combine(Dir, "app.ini");
    public string PidfilePath => Path.Combine(Dir, "app.pid");
    public int Port { get; } = Repo.FreePort();

    /// <summary>Starts the binary; extra holds more ini lines (`key = value`).</summary>
    public BinaryInstance(int processes, params string[] extra) : this(processes, newProcessGroup: false, extra) { }

    /// <summary>
    /// newProcessGroup: start it through setsid(1) (same pid, a session and process group of its
    /// own), so a test can signal the whole group as a terminal's Ctrl-C does without hitting itself.
    /// </summary>
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
        var info = new ProcessStartInfo(newProcessGroup ? "/usr/bin/setsid" : BinaryFactAttribute.Binary)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = Dir,
        };
        if (newProcessGroup) info.ArgumentList.Add(BinaryFactAttribute.Binary);
        info.ArgumentList.Add("--ini");
        info.ArgumentList.Add(Ini);
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;
    public List<string> Output { get { lock (_output) return [.. _output]; } }
    public bool Logged(string fragment) => Output.Any(l => l.Contains(fragment, StringComparison.Ordinal));

    public string Get(string path) => _http.GetStringAsync($"http://127.0.0.1:{Port}{path}").GetAwaiter().GetResult();

    public BinaryInstance WaitServing()
    {
        Wait.Until(() =>
        {
            if (_process.HasExited) throw new InvalidOperationException($"dotnetwsgi exited {_process.ExitCode}:\n{string.Join("\n", Output)}");
            try { Get("/pid"); return true; } catch (HttpRequestException) { return false; }
        }, "dotnetwsgi to answer");
        return this;
    }

    /// <summary>Pids of the workers the master reported alive (spawned or respawned, not yet gone).</summary>
    public HashSet<int> LiveWorkerPids()
        => Output.Select(l => WorkerPidPattern().Match(l)).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value)).Where(RecordingLauncher.IsAlive).ToHashSet();

    public int WaitForExit()
    {
        if (!_process.WaitForExit((int)Wait.Deadline.TotalMilliseconds)) throw new TimeoutException("dotnetwsgi did not exit");
        _process.WaitForExit(); // after a true from the timed wait: drains the asynchronous output readers
        return _process.ExitCode;
    }

    public void Dispose()
    {
        var workers = Output.Select(l => WorkerPidPattern().Match(l)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).ToList();
        if (!_process.HasExited) Libc.Kill(_process.Id, Signals.SIGKILL);
        foreach (int pid in workers) Libc.Kill(pid, Signals.SIGKILL);
        _process.Dispose();
        _http.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }

    [GeneratedRegex(@"(?:spawned uWSGI worker \d+ \(pid: |Respawned uWSGI worker \d+ \(new pid: )(\d+)")]
    private static partial Regex WorkerPidPattern();
}
