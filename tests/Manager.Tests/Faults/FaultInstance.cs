// The published binary on a generated ini (apps/app.py, http-socket on a free port, plus the lines a
// fault test needs), with the readers a fault test checks: the stats server's JSON and /metrics.

using System.Net.Sockets;

namespace DotnetWsgi.Manager.Tests.Faults;

internal static class FaultInstance
{
    public static string App => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "apps", "app.py"));

    /// <summary>Starts the binary: app.py served on port (http-socket), one worker unless extra says otherwise.</summary>
    public static MasterInstance Start(int port, params string[] extra)
        => new(string.Join("\n", ["[uwsgi]", $"http-socket = 127.0.0.1:{port}", "wsgi-file = app.py", "processes = 1", .. extra]) + "\n",
            files: new Dictionary<string, string> { ["app.py"] = App }) { Port = port };

    /// <summary>The stats server's document (it writes it on connect and closes).</summary>
    public static string Stats(int statsPort)
    {
        using var client = new TcpClient("127.0.0.1", statsPort);
        using var reader = new StreamReader(client.GetStream());
        return reader.ReadToEnd();
    }

    public static string Metrics(int adminPort)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return http.GetStringAsync($"http://127.0.0.1:{adminPort}/metrics").GetAwaiter().GetResult();
    }

    /// <summary>True when nothing listens on port any more (it can be bound again).</summary>
    public static bool PortIsFree(int port)
    {
        try
        {
            using var s = new TcpListener(System.Net.IPAddress.Loopback, port);
            s.Start();
            return true;
        }
        catch (SocketException) { return false; }
    }
}
