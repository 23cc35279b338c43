// Runs the targets: N inputs each, input i of target t made by Rng.For(seed, t, i), every invariant
// checked. A violation is printed with what reproduces it (seed, target, index and the input in hex).

using System.Diagnostics;

namespace DotnetWsgi.Fuzz;

public sealed record Violation(string Target, int Seed, long Index, string What, byte[] Input)
{
    public override string ToString()
        => $"VIOLATION in {Target}: {What}\n  reproduce: ./build.sh fuzz --target {Target} --seed {Seed} --index {Index}\n  input ({Input.Length} bytes, hex): {Convert.ToHexString(Input)}";
}

public sealed record TargetReport(string Name, long Inputs, IReadOnlyDictionary<string, long> Counts, TimeSpan Elapsed, IReadOnlyList<Violation> Violations);

public static class Runner
{
    public static IFuzzTarget[] AllTargets() => [new HttpTarget(), new ChunkedTarget(), new UwsgiTarget(), new IniTarget()];

    /// <summary>Runs inputs [first, first + count) of each target; stops a target after maxViolations.</summary>
    public static List<TargetReport> Run(IEnumerable<IFuzzTarget> targets, int seed, long first, long count, TextWriter log, int maxViolations = 5)
    {
        var reports = new List<TargetReport>();
        foreach (var target in targets)
        {
            int t = Array.FindIndex(AllTargets(), x => x.Name == target.Name);
            var violations = new List<Violation>();
            var clock = Stopwatch.StartNew();
            long done = 0;
            for (long i = first; i < first + count && violations.Count < maxViolations; i++, done++)
            {
                var rng = Rng.For(seed, t, i);
                var input = target.Generate(ref rng);
                if (CheckOne(target, input) is { } what)
                {
                    var v = new Violation(target.Name, seed, i, what, input);
                    violations.Add(v);
                    log.WriteLine(v);
                }
            }
            var report = new TargetReport(target.Name, done, new Dictionary<string, long>(target.Counts), clock.Elapsed, violations);
            log.WriteLine(Format(report));
            reports.Add(report);
        }
        return reports;
    }

    /// <summary>The invariant check, with any exception out of the parser counted as a violation.</summary>
    public static string? CheckOne(IFuzzTarget target, byte[] input)
    {
        try { return target.Check(input); }
        catch (Exception ex) { return $"exception {ex.GetType().Name}: {ex.Message}"; }
    }

    public static string Format(TargetReport r)
        => $"{r.Name,-8} {r.Inputs,9} inputs  " + string.Join("  ", r.Counts.Select(c => $"{c.Key} {c.Value}"))
           + $"  violations {r.Violations.Count}  {r.Elapsed.TotalSeconds:F1} s";
}
