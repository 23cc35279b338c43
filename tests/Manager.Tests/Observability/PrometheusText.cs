// A strict reader of the Prometheus text exposition format 0.0.4 for the tests: every sample must
// belong to a family declared by `# TYPE` before it, counters must end in _total, histogram
// buckets must be cumulative and end in +Inf, names and labels must be well-formed.

using System.Globalization;
using System.Text.RegularExpressions;

namespace DotnetWsgi.Manager.Tests.Observability;

internal static partial class PrometheusText
{
    /// <summary>Samples keyed by `name{labels}` exactly as written, with family types by name.</summary>
    public static (Dictionary<string, double> Samples, Dictionary<string, string> Types) Parse(string text)
    {
        Assert.EndsWith("\n", text);
        var samples = new Dictionary<string, double>();
        var types = new Dictionary<string, string>();
        var helped = new HashSet<string>();
        foreach (var line in text[..^1].Split('\n'))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var name = line[7..].Split(' ')[0];
                Assert.Matches(NamePattern(), name);
                Assert.True(helped.Add(name), $"HELP twice for {name}");
            }
            else if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ');
                Assert.Equal(2, parts.Length);
                Assert.Contains(parts[1], (string[])["counter", "gauge", "histogram", "summary", "untyped"]);
                Assert.True(types.TryAdd(parts[0], parts[1]), $"TYPE twice for {parts[0]}");
                if (parts[1] == "counter") Assert.EndsWith("_total", parts[0]);
            }
            else
            {
                var m = SamplePattern().Match(line);
                Assert.True(m.Success, $"not a sample line: '{line}'");
                string name = m.Groups["name"].Value;
                Assert.True(FamilyOf(name, types) is not null, $"sample {name} has no TYPE before it");
                Assert.True(samples.TryAdd(name + m.Groups["labels"].Value, ParseValue(m.Groups["value"].Value)), $"duplicate sample {line}");
            }
        }
        CheckHistograms(samples, types);
        return (samples, types);
    }

    private static string? FamilyOf(string name, Dictionary<string, string> types)
    {
        if (types.ContainsKey(name)) return name;
        foreach (var suffix in (string[])["_bucket", "_sum", "_count"])
            if (name.EndsWith(suffix, StringComparison.Ordinal) && types.GetValueOrDefault(name[..^suffix.Length]) == "histogram")
                return name[..^suffix.Length];
        return null;
    }

    private static void CheckHistograms(Dictionary<string, double> samples, Dictionary<string, string> types)
    {
        foreach (var (family, _) in types.Where(t => t.Value == "histogram"))
        {
            var buckets = samples.Where(s => s.Key.StartsWith(family + "_bucket{", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(buckets);
            Assert.EndsWith("le=\"+Inf\"}", buckets[^1].Key);
            for (int i = 1; i < buckets.Count; i++) Assert.True(buckets[i].Value >= buckets[i - 1].Value, $"{family} buckets not cumulative");
            Assert.Equal(buckets[^1].Value, samples[family + "_count"]);
            Assert.True(samples.ContainsKey(family + "_sum"));
        }
    }

    private static double ParseValue(string v) => v switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\\{[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"(?:,[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\")*\\})? (?<value>[-+0-9.eE]+|[+-]Inf|NaN)$")]
    private static partial Regex SamplePattern();
}
