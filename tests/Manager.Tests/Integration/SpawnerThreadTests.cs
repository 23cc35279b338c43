// Workers ask the kernel for SIGKILL when their parent dies (PR_SET_PDEATHSIG), and the kernel's
// "parent" is the thread that forked them. Workers started by a reload run on the master's event
// loop, a thread-pool thread; when that thread retired, they were SIGKILLed. The master here runs
// with a 200 ms thread-pool idle timeout (DOTNET_ThreadPool_ThreadTimeoutMs) so an idle pool thread
// retires quickly: the reloaded workers must still be the same, alive processes afterwards.

using System.Diagnostics;
using System.Text.RegularExpressions;
using DotnetWsgi.Manager.Tests.Nginx;
using DotnetWsgi.Manager.Tests.Support;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Integration;

public sealed partial class SpawnerThreadTests
{
    [BinaryFact]
    public void WorkersStartedByAReload_OutliveTheThreadPoolThreadThatAskedForThem()
    {
        string dir = Directory.CreateTempSubdirectory("dnw-spawner-").FullName;
        int port = Repo.FreePort();
        string app = Path.Combine(dir, "app.py"), ini = Path.Combine(dir, "app.ini");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "apps", "app.py"), app);
        File.WriteAllLines(ini, ["[uwsgi]", $"http-socket = 127.0.0.1:{port}", $"wsgi-file = {app}", "processes = 2", "worker-reload-mercy = 30"]);
        var output = new List<string>();
        var info = new ProcessStartInfo(Repo.Binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("--ini");
        info.ArgumentList.Add(ini);
        info.Environment["DOTNET_ThreadPool_ThreadTimeoutMs"] = "200";
        using var master = new Process { StartInfo = info };
        master.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        master.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        master.Start();
        master.BeginOutputReadLine();
        master.BeginErrorReadLine();
        List<int> Pids() { lock (output) return output.Select(l => SpawnedPattern().Match(l)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).ToList(); }
        try
        {
            Wait.Until(() => Pids().Count == 2 && Lines(output, "ready on mountpoint") == 2, "two workers to load the app");
            Libc.Kill(master.Id, Signals.SIGHUP);
            Wait.Until(() => Pids().Count >= 4 && Lines(output, "ready on mountpoint") >= 4, "the reload's two workers to load the app");
            var reloaded = Pids().Skip(2).Take(2).ToList();
            // Idle pool threads retire after 200 ms; give them many times that to do so.
            var end = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (DateTime.UtcNow < end)
            {
                Assert.All(reloaded, pid => Assert.True(RecordingLauncher.IsAlive(pid), $"worker {pid} died:\n{string.Join("\n", Snapshot(output))}"));
                Thread.Sleep(100);
            }
            Assert.Equal(0, Lines(output, "killed by signal"));
        }
        finally
        {
            if (!master.HasExited) Libc.Kill(master.Id, Signals.SIGKILL);
            foreach (int pid in Pids()) Libc.Kill(pid, Signals.SIGKILL);
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    private static List<string> Snapshot(List<string> output) { lock (output) return [.. output]; }

    private static int Lines(List<string> output, string fragment) => Snapshot(output).Count(l => l.Contains(fragment, StringComparison.Ordinal));

    [GeneratedRegex(@"(?:spawned uWSGI worker \d+ \(pid: |Respawned uWSGI worker \d+ \(new pid: )(\d+)")]
    private static partial Regex SpawnedPattern();
}
