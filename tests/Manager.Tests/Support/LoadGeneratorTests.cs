// The shared load driver counts what a client saw (answered, an HTTP error status, a connection
// closed without an answer) against a scripted loopback server, and fails a test only when something
// failed; MasterInstance finds a master's children by the environment it started them with.

using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DotnetWsgi.Manager.Tests.Support;

public class LoadGeneratorTests
{
    [Fact]
    public void CountsAnsweredAndFailedByKind_AndAssertNoneFailedNamesTheKinds()
    {
        using var server = new ScriptedServer(n => (n % 3) switch { 0 => "200", 1 => "503", _ => null });
        using var load = new LoadGenerator(server.Port, "/x", clients: 2);
        try { Wait.Until(() => load.Answered >= 3 && load.FailuresByKind.Count >= 2, "answers and both kinds of failure", TimeSpan.FromSeconds(60)); }
        catch (TimeoutException timeout) { throw new TimeoutException($"{timeout.Message}: {load}", timeout); }
        load.Stop();

        Assert.Equal(load.Sent, load.Answered + load.Failed);
        Assert.True(load.FailuresByKind["HTTP 503"] >= 1);
        Assert.Contains(load.FailuresByKind.Keys, k => k != "HTTP 503"); // the connection closed without an answer
        var e = Assert.Throws<InvalidOperationException>(load.StopAndAssertNoneFailed);
        Assert.Contains("HTTP 503", e.Message);
        Assert.Equal(["ok"], load.Bodies);
    }

    [Fact]
    public void AssertNoneFailed_PassesWhenEveryRequestWasAnswered()
    {
        using var server = new ScriptedServer(_ => "200");
        using var load = new LoadGenerator(server.Port, "/x", clients: 2);
        Wait.Until(() => load.Answered >= 5, "five answers");
        load.StopAndAssertNoneFailed();
        Assert.Equal(0, load.Failed);
        Assert.Equal(load.Sent, load.Answered);
    }

    [Fact]
    public void ChildPidsWith_FindsTheChildStartedWithTheVariable()
    {
        using var shell = new ShellInstance("DNW_ROLE=mule sleep 120 & DNW_ROLE=other sleep 120 & sleep 120 & wait");
        // A child the shell has forked but not yet exec'd still shows the shell's environment: wait
        // for both variables to be in place, not only for three children.
        Wait.Until(() => ProcessTree.Children(shell.Pid).Count == 3 && shell.ChildPidsWith("DNW_ROLE").Count == 2, "three children, two with DNW_ROLE");
        int mule = Assert.Single(shell.ChildPidsWith("DNW_ROLE", "mule"));
        Assert.Equal("mule", ProcessTree.EnvironmentVariable(mule, "DNW_ROLE"));
        Assert.Equal(2, shell.ChildPidsWith("DNW_ROLE").Count);
    }

    private sealed class ShellInstance : MasterInstance
    {
        public ShellInstance(string script) => Start("/bin/sh", ["-c", script]);
    }

    /// <summary>Answers the nth connection as script(n) says: a status ("200" with body "ok", "503"), or null to close unanswered.</summary>
    private sealed class ScriptedServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Thread _thread;

        public ScriptedServer(Func<int, string?> script)
        {
            _listener.Start();
            _thread = new Thread(() => Serve(script)) { IsBackground = true };
            _thread.Start();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        private void Serve(Func<int, string?> script)
        {
            try
            {
                for (int n = 0; ; n++)
                {
                    using var client = _listener.AcceptTcpClient();
                    var stream = client.GetStream();
                    var head = new StringBuilder();
                    var buffer = new byte[4096];
                    while (!head.ToString().Contains("\r\n\r\n") && stream.Read(buffer) is int read and > 0) head.Append(Encoding.ASCII.GetString(buffer, 0, read));
                    if (script(n) is not { } status) continue;
                    string body = status == "200" ? "ok" : "busy";
                    stream.Write(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"));
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or InvalidOperationException) { }
        }

        public void Dispose()
        {
            _listener.Stop();
            _thread.Join(TimeSpan.FromSeconds(10));
        }
    }
}
