namespace DotnetWsgi.Fuzz;

/// <summary>One parser under fuzz: makes inputs and checks the parser's invariants on one input.</summary>
public interface IFuzzTarget
{
    string Name { get; }

    /// <summary>Outcome counters (e.g. "done", "rejected"), filled by Check.</summary>
    Dictionary<string, long> Counts { get; }

    byte[] Generate(ref Rng rng);

    /// <summary>Null when every invariant holds; else what was violated. Any exception thrown out of
    /// Check is itself a violation (the parsers report bad input as a result, never by throwing).</summary>
    string? Check(byte[] input);
}
