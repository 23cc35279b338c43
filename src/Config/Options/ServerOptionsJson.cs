// The master hands each worker the effective options as JSON in a file (WorkerContract.ConfigVar):
// the worker never re-reads ini files, so a reload's generation is exactly what the master validated.
// The serializer is source-generated (ServerOptionsJsonContext) so the NativeAOT binary needs no
// runtime reflection or code generation for it.

using System.Text.Json;
using System.Text.Json.Serialization;

namespace DotnetWsgi.Config.Options;

public static class ServerOptionsJson
{
    public static string Serialize(ServerOptions options)
        => JsonSerializer.Serialize(options, ServerOptionsJsonContext.Default.ServerOptions);

    public static ServerOptions Deserialize(string json)
        => JsonSerializer.Deserialize(json, ServerOptionsJsonContext.Default.ServerOptions)
           ?? throw new InvalidDataException("empty options document");
}

[JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ServerOptions))]
internal sealed partial class ServerOptionsJsonContext : JsonSerializerContext;
