// Reading a master's stats server (`stats = 127.0.0.1:PORT`) as uwsgitop does: one connection, one
// JSON document. Tests that watch workers under load (accepting, cheap, pids) read them here.

using System.Net.Sockets;
using System.Text.Json;

namespace DotnetWsgi.TestSupport;

/// <summary>One entry of the stats document's `workers` list: pid 0 and status "cheap" for an empty slot.</summary>
public sealed record StatsWorker(int Id, int Pid, string Status, bool Accepting);

public static class StatsReader
{
    /// <summary>The whole stats document, read from a new connection to 127.0.0.1:port.</summary>
    public static JsonElement Read(int port)
    {
        using var client = new TcpClient("127.0.0.1", port);
        using var json = JsonDocument.Parse(client.GetStream());
        return json.RootElement.Clone();
    }

    public static List<StatsWorker> Workers(int port)
        => [.. Read(port).GetProperty("workers").EnumerateArray().Select(w => new StatsWorker(w.GetProperty("id").GetInt32(),
            w.GetProperty("pid").GetInt32(), w.GetProperty("status").GetString()!, w.GetProperty("accepting").GetInt32() == 1))];

    /// <summary>How many workers the stats show accepting now.</summary>
    public static int Accepting(int port) => Workers(port).Count(w => w.Accepting);
}
