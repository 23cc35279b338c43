// A tiny seeded generator (SplitMix64). Hand-written rather than System.Random because every input
// gets its own generator derived from (seed, target, index): an input is reproduced from those three
// numbers alone, without replaying the inputs before it, and the sequence is fixed across runtimes.

namespace DotnetWsgi.Fuzz;

public struct Rng(ulong state)
{
    private ulong _state = state;

    public static Rng For(int seed, int target, long index)
        => new(Mix((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ Mix((ulong)target << 40 ^ (ulong)index)));

    public ulong NextULong()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>0 &lt;= result &lt; max (max &gt; 0).</summary>
    public int Next(int max) => (int)(NextULong() % (ulong)max);

    public int Next(int min, int max) => min + Next(max - min);

    /// <summary>True with probability percent/100.</summary>
    public bool Chance(int percent) => Next(100) < percent;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
