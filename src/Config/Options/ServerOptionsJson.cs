// The master hands each worker the effective options as JSON in a file (WorkerContract.ConfigVar):
// the worker never re-reads ini files, so a reload's generation is exactly what the master validated.

using System.Text.Json;
using System.Text.Json.Serialization;

namespace DotnetWsgi.Config.Options;

public static class ServerOptionsJson
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize(ServerOptions options) => JsonSerializer.Serialize(options, Json);

    public static ServerOptions Deserialize(string json)
        => JsonSerializer.Deserialize<ServerOptions>(json, Json) ?? throw new InvalidDataException("empty options document");
}
