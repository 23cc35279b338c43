// systemd integration against the published binary: the notify protocol on a real datagram socket
// (path and abstract names), the watchdog, and socket activation through systemd-socket-activate.

using System.Net.Sockets;
using DotnetWsgi.Manager.Tests.Nginx;
using DotnetWsgi.Manager.Tests.Support;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Integration.Systemd;

[Collection("real processes")]
public sealed class SystemdTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dnw-systemd-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    /// <summary>The test app, whose import waits until the file `gate` exists (so no worker can accept before).</summary>
    private string GatedApp()
    {
        string app = Path.Combine(_dir, "app.py");
        string gate = Path.Combine(_dir, "gate");
        File.WriteAllText(app,
            "import os, sys, time\n" +
            $"GATE = {System.Text.Json.JsonSerializer.Serialize(gate)}\n" +
            "print('app import waiting for the gate', flush=True)\n" +
            "while not os.path.exists(GATE):\n    time.sleep(0.05)\n" +
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "apps", "app.py")));
        return app;
    }

    [BinaryFact]
    public void Notify_ReadyOnlyOnceAWorkerAccepts_ReloadingAroundAReload_StoppingOnStop()
    {
        using var notify = new NotifyListener(Path.Combine(_dir, "notify.sock"));
        string app = GatedApp();
        using var dn = new SystemdInstance(Repo.FreePort(), [$"wsgi-file = {app}", "processes = 1"],
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.NotifySocket });

        Wait.Until(() => dn.Logged("app import waiting for the gate"), "the worker to be importing the app");
        Wait.Until(() => notify.Lines.Contains("STATUS=starting"), "the start-up status");
        Assert.DoesNotContain("READY=1", notify.Lines); // no worker can accept yet

        File.WriteAllText(Path.Combine(_dir, "gate"), "");
        Wait.Until(() => notify.Lines.Contains("READY=1"), "READY=1");
        Assert.NotEmpty(dn.Get("/pid")); // a worker accepts: the answer comes
        Assert.Contains(notify.Lines, l => l.StartsWith("STATUS=ready: 1 of 1 workers accepting", StringComparison.Ordinal));
        Assert.Contains($"MAINPID={dn.Pid}", notify.Lines);

        Assert.Equal(0, Libc.Kill(dn.Pid, Signals.SIGHUP));
        Wait.Until(() => notify.Lines.Contains("RELOADING=1"), "RELOADING=1");
        Assert.Contains(notify.Lines, l => l.StartsWith("MONOTONIC_USEC=", StringComparison.Ordinal));
        Wait.Until(() => notify.Lines.Count(l => l == "READY=1") == 2, "READY=1 after the reload");
        var lines = notify.Lines;
        Assert.True(lines.IndexOf("RELOADING=1") < lines.LastIndexOf("READY=1"));

        Assert.Equal(0, Libc.Kill(dn.Pid, Signals.SIGTERM));
        Wait.Until(() => notify.Lines.Contains("STOPPING=1"), "STOPPING=1");
        Assert.Equal(0, dn.WaitForExit());
    }

    [BinaryFact]
    public void Notify_OnAnAbstractSocket_SendsWatchdogPings()
    {
        using var notify = new NotifyListener($"@dnw-notify-{Guid.NewGuid():N}");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "apps", "app.py"), Path.Combine(_dir, "app.py"));
        using var dn = new SystemdInstance(Repo.FreePort(), [$"wsgi-file = {Path.Combine(_dir, "app.py")}", "processes = 1"],
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.NotifySocket, ["WATCHDOG_USEC"] = "400000" });
        Wait.Until(() => notify.Lines.Contains("READY=1"), "READY=1");
        Wait.Until(() => notify.Lines.Count(l => l == "WATCHDOG=1") >= 3, "three watchdog pings");
        Assert.True(dn.Logged("systemd: notifying @dnw-notify-"));
    }

    [BinaryFact]
    public void SocketActivation_UsesThePassedSocketThatMatchesTheConfiguredAddress()
    {
        int port = Repo.FreePort(), unrelated = Repo.FreePort();
        File.Copy(Path.Combine(AppContext.BaseDirectory, "apps", "app.py"), Path.Combine(_dir, "app.py"));
        // systemd-socket-activate binds both ports, and starts the binary on the first connection with
        // LISTEN_FDS=2: the configured port must be served from the passed socket (binding it again
        // would fail: it is in use), the other one left alone.
        using var dn = new SystemdInstance(port, [$"wsgi-file = {Path.Combine(_dir, "app.py")}", "processes = 1"],
            new Dictionary<string, string>(), ["/usr/bin/systemd-socket-activate", "-l", $"127.0.0.1:{port}", "-l", $"127.0.0.1:{unrelated}"]);
        Wait.Until(() => dn.Logged($"Listening on 127.0.0.1:{port}"), "systemd-socket-activate to listen");
        Assert.NotEmpty(dn.Get("/pid"));
        Assert.True(dn.Logged($"inherited from systemd: TCP address 127.0.0.1:{port}"), dn.Output.ToString());
        Assert.True(dn.Logged($"127.0.0.1:{unrelated}), which no configured socket names: not used"), dn.Output.ToString());
        Assert.Equal(0, Libc.Kill(dn.Pid, Signals.SIGTERM));
        Assert.Equal(0, dn.WaitForExit());
    }
}
