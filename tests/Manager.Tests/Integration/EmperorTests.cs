// The Emperor against the published binary: two vassals from a directory, following their files'
// add / touch / change / remove, and a graceful stop of every vassal with the Emperor.

using System.Diagnostics;
using DotnetWsgi.Manager.Tests.Nginx;
using DotnetWsgi.Manager.Tests.Support;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Integration;

[Collection("real processes")]
public sealed class EmperorTests
{
    private static string VassalIni(string app, int port) => $"[uwsgi]\nhttp-socket = 127.0.0.1:{port}\nwsgi-file = {app}\nprocesses = 1\n";

    private static string? TryGet(HttpClient http, int port, string path)
    {
        try { return http.GetStringAsync($"http://127.0.0.1:{port}{path}").GetAwaiter().GetResult(); }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return null; }
    }

    [BinaryFact]
    public void Emperor_ServesTwoVassals_AndFollowsTheirFiles()
    {
        string dir = Directory.CreateTempSubdirectory("dnw-emperor-").FullName;
        string vassals = Directory.CreateDirectory(Path.Combine(dir, "vassals")).FullName;
        string app = Path.Combine(dir, "app.py");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "apps", "app.py"), app);
        int a = Repo.FreePort(), b = Repo.FreePort(), b2 = Repo.FreePort();
        File.WriteAllText(Path.Combine(vassals, "a.ini"), VassalIni(app, a));
        File.WriteAllText(Path.Combine(vassals, "b.ini"), VassalIni(app, b));
        var output = new List<string>();
        var info = new ProcessStartInfo(Repo.Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dir };
        info.ArgumentList.Add("--emperor");
        info.ArgumentList.Add(vassals);
        using var emperor = new Process { StartInfo = info };
        emperor.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        emperor.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10), DefaultRequestHeaders = { ConnectionClose = true } };
        bool Logged(string s) { lock (output) return output.Any(l => l.Contains(s, StringComparison.Ordinal)); }
        int VassalPid(string name)
        {
            lock (output)
            {
                var line = output.Last(l => l.Contains($"[emperor] vassal {Path.Combine(vassals, name)} started (pid: ", StringComparison.Ordinal));
                return int.Parse(line[(line.LastIndexOf("pid: ", StringComparison.Ordinal) + 5)..].TrimEnd(')'));
            }
        }
        try
        {
            emperor.Start();
            emperor.BeginOutputReadLine();
            emperor.BeginErrorReadLine();
            Wait.Until(() => TryGet(http, a, "/pid") is not null && TryGet(http, b, "/pid") is not null, "both vassals to serve");
            int masterA = VassalPid("a.ini");

            // touch: reloaded in place (same vassal master, new worker)
            string workerBefore = TryGet(http, a, "/pid")!;
            File.SetLastWriteTimeUtc(Path.Combine(vassals, "a.ini"), DateTime.UtcNow.AddSeconds(5));
            Wait.Until(() => TryGet(http, a, "/pid") is string w && w != workerBefore, "vassal a to reload its workers");
            Assert.Equal(masterA, VassalPid("a.ini"));
            Assert.True(RecordingLauncher.IsAlive(masterA));

            // change: the reload applies the new ini (another port)
            File.WriteAllText(Path.Combine(vassals, "b.ini"), VassalIni(app, b2));
            Wait.Until(() => TryGet(http, b2, "/pid") is not null, "vassal b to serve on its new port");

            // remove: stopped gracefully
            File.Delete(Path.Combine(vassals, "b.ini"));
            Wait.Until(() => Logged($"vassal {Path.Combine(vassals, "b.ini")}") && Logged("is gone (exit 0)"), "vassal b to stop");
            Assert.Null(TryGet(http, b2, "/pid"));
            Assert.NotNull(TryGet(http, a, "/pid"));

            Assert.Equal(0, Libc.Kill(emperor.Id, Signals.SIGTERM));
            Assert.True(emperor.WaitForExit((int)Wait.Deadline.TotalMilliseconds), "the Emperor did not stop");
            emperor.WaitForExit();
            Assert.Equal(0, emperor.ExitCode);
            Assert.False(RecordingLauncher.IsAlive(masterA), "a vassal outlived the Emperor");
        }
        finally
        {
            List<int> pids;
            lock (output) pids = output.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"(?:started|spawned uWSGI worker \d+) \(pid: (\d+)")).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).ToList();
            if (!emperor.HasExited) Libc.Kill(emperor.Id, Signals.SIGKILL);
            foreach (int pid in pids) Libc.Kill(pid, Signals.SIGKILL);
            Directory.Delete(dir, true);
        }
    }
}
