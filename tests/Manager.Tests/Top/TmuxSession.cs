// A tmux session on its own tmux server socket (-L), so tests never touch a user's tmux. The pane
// stays after its command exits (remain-on-exit) so a test can read the exit status and what the
// terminal shows afterwards. Dispose kills the pane's process by PID, then the private server.

using System.Diagnostics;

namespace DotnetWsgi.Manager.Tests.Top;

internal sealed class TmuxSession : IDisposable
{
    private readonly string _server = "obs-top-" + Guid.NewGuid().ToString("N")[..8];
    private const string Session = "top";
    private int _panePid;

    public static bool Available => File.Exists("/usr/bin/tmux");

    private readonly string _statusFile = Path.Combine(Path.GetTempPath(), $"obs-top-{Guid.NewGuid():N}.status");

    /// <param name="command">Run by sh, which then writes its exit status to a file (tmux 3.3 does not report it).</param>
    public TmuxSession(string command)
    {
        Tmux("new-session", "-d", "-s", Session, "-x", "160", "-y", "40", $"{command}; echo $? > {_statusFile}", ";", "set-option", "-w", "remain-on-exit", "on");
        _panePid = int.Parse(Tmux("display-message", "-p", "-t", Session, "#{pane_pid}").Trim());
    }

    public string Capture() => Tmux("capture-pane", "-p", "-t", Session);

    public void SendKeys(string keys) => Tmux("send-keys", "-t", Session, keys);

    /// <summary>The command's exit status once it has ended, else null.</summary>
    public int? ExitStatus()
    {
        if (Tmux("display-message", "-p", "-t", Session, "#{pane_dead}").Trim() != "1") return null;
        return File.Exists(_statusFile) && int.TryParse(File.ReadAllText(_statusFile).Trim(), out var status) ? status : -1;
    }

    /// <summary>True once condition holds, false after the deadline (the caller asserts with the screen in the message).</summary>
    public static async Task<bool> WaitUntilAsync(Func<bool> condition)
    {
        try { await Wait.UntilAsync(condition, "the terminal"); return true; }
        catch (TimeoutException) { return false; }
    }

    private string Tmux(params string[] args)
    {
        var psi = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-L");
        psi.ArgumentList.Add(_server);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(30_000)) { p.Kill(); throw new TimeoutException("tmux " + string.Join(' ', args)); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"tmux {string.Join(' ', args)}: {error.Trim()}");
        return output;
    }

    public void Dispose()
    {
        if (_panePid > 0)
        {
            try { using var p = Process.GetProcessById(_panePid); p.Kill(entireProcessTree: true); }
            catch (ArgumentException) { }
            catch (InvalidOperationException) { }
        }
        try { Tmux("kill-server"); }
        catch (InvalidOperationException) { }
        File.Delete(_statusFile);
    }
}
