using System.Text.Json.Nodes;
using DotnetWsgi.Config;
using DotnetWsgi.Config.Ini;
using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Config.Tests.Support;

/// <summary>Loads configuration with pinned machine facts, and a temp folder for ini files.</summary>
public sealed class TestConfig : IDisposable
{
    public static readonly MachineFacts Machine = new("testhost", 8, "1000", "alice", "1001", "staff",
        "/srv/cwd", "/usr/bin/dotnetwsgi", "0.1.0", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    public string Dir { get; } = Directory.CreateTempSubdirectory("cfgtest-").FullName;

    public string Write(string name, string text)
    {
        string path = Path.Combine(Dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A minimal valid section (a socket and an app) that a test appends the lines it is about to.</summary>
    public const string App = "[uwsgi]\nsocket = :9000\nmodule = app\n";

    public ConfigResult Load(params string[] args) => Load(args, new Dictionary<string, string>());

    /// <summary>Loads App followed by lines, from t.ini in Dir.</summary>
    public ConfigResult LoadApp(string lines)
    {
        Write("t.ini", App + lines);
        return Load("t.ini");
    }

    public ConfigResult Load(string[] args, Dictionary<string, string> environment)
        => ConfigLoader.Load(args, environment, Dir, Machine with { WorkingDirectory = Dir });

    /// <summary>Loads one ini text with a minimal valid base (a socket and an app) unless it has its own.</summary>
    public ServerOptions Options(string ini)
    {
        Write("t.ini", ini);
        var result = Load("t.ini");
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Options!;
    }

    public static string Lines(ConfigResult result) => string.Join("\n", result.Diagnostics.Select(d => d.ToString()));

    /// <summary>The ServerOptions properties that differ from the defaults, as JSON (ConfigFile left out).</summary>
    public static JsonObject Changed(ServerOptions options)
    {
        var actual = JsonNode.Parse(ServerOptionsJson.Serialize(options))!.AsObject();
        var defaults = JsonNode.Parse(ServerOptionsJson.Serialize(new ServerOptions()))!.AsObject();
        var changed = new JsonObject();
        foreach (var (name, value) in actual)
            if (name != nameof(ServerOptions.ConfigFile) && !JsonNode.DeepEquals(value, defaults[name]))
                changed[name] = value?.DeepClone();
        return changed;
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
