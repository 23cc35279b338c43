// Golden files: Golden/NAME.ini next to Golden/NAME.expected.json. The expected file holds the
// options that differ from ServerOptions' defaults (null when loading fails) and every diagnostic
// line. Optional "args" (default ["NAME.ini"]) and "environment" let a case use flags and UWSGI_*.
// A new case is two new files. On a mismatch the actual document is written next to the test
// output (NAME.actual.json) so it can be reviewed and, if right, copied over. The Golden folder's
// absolute path is written as {golden} so the files do not depend on the checkout location.

using System.Text.Json;
using System.Text.Json.Nodes;
using DotnetWsgi.Config.Tests.Support;

namespace DotnetWsgi.Config.Tests;

public sealed class GoldenConfigTests
{
    private static readonly string GoldenDir = Path.Combine(AppContext.BaseDirectory, "Golden");
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string ini in Directory.GetFiles(GoldenDir, "*.ini").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(ini));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GoldenIni_LoadsToExpectedOptionsAndDiagnostics(string name)
    {
        string expectedPath = Path.Combine(GoldenDir, name + ".expected.json");
        var expected = File.Exists(expectedPath) ? JsonNode.Parse(File.ReadAllText(expectedPath))!.AsObject() : new JsonObject();
        string[] args = expected["args"]?.AsArray().Select(a => a!.GetValue<string>()).ToArray() ?? [name + ".ini"];
        var environment = expected["environment"]?.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()) ?? [];

        var result = ConfigLoader.Load(args, environment, GoldenDir, TestConfig.Machine with { WorkingDirectory = GoldenDir });

        var actual = new JsonObject();
        if (expected["args"] is not null) actual["args"] = expected["args"]!.DeepClone();
        if (expected["environment"] is not null) actual["environment"] = expected["environment"]!.DeepClone();
        actual["options"] = result.Succeeded ? TestConfig.Changed(result.Options!) : null;
        actual["diagnostics"] = new JsonArray(result.Diagnostics.Select(d => (JsonNode?)JsonValue.Create(d.ToString())).ToArray());
        string actualText = actual.ToJsonString(Indented).Replace(GoldenDir, "{golden}");
        if (actualText != expected.ToJsonString(Indented))
            File.WriteAllText(Path.Combine(AppContext.BaseDirectory, name + ".actual.json"), actualText);
        Assert.Equal(expected.ToJsonString(Indented), actualText);
    }
}
