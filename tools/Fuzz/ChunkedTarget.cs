// The chunked body decoder: generated chunked bodies (sizes in either case with leading zeros,
// extensions with BWS, trailers), mutated. Invariants: Step never consumes more than it was given,
// an Error is final, and the outcome (data, step, error) is the same whether the wire arrives in one
// piece or split in two at any byte boundary.

using System.Text;
using DotnetWsgi.Worker.Protocol;

namespace DotnetWsgi.Fuzz;

public sealed class ChunkedTarget : IFuzzTarget
{
    private static readonly byte[][] Dictionary = [.. new[] { "0\r\n\r\n", "\r\n", ";ext=1", " ;a", "5 ", "fffffffffffffff", "Trailer: x\r\n", "\n", "0x" }.Select(Encoding.Latin1.GetBytes)];

    public string Name => "chunked";
    public Dictionary<string, long> Counts { get; } = new() { ["done"] = 0, ["rejected"] = 0, ["incomplete"] = 0, ["splits"] = 0 };

    public byte[] Generate(ref Rng rng)
    {
        var wire = Generate(ref rng, rng.Next(0, 4));
        return rng.Chance(50) ? Mutator.Mutate(wire, ref rng, Dictionary) : wire;
    }

    /// <summary>A valid chunked body of n data chunks (also used by the HTTP target).</summary>
    public static byte[] Generate(ref Rng rng, int chunks)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < chunks; i++)
        {
            int size = rng.Next(1, 40);
            sb.Append(new string('0', rng.Chance(10) ? rng.Next(1, 4) : 0));
            sb.Append(rng.Chance(50) ? size.ToString("x") : size.ToString("X"));
            if (rng.Chance(20)) sb.Append(rng.Chance(50) ? " ;e=1" : ";e=\"v\";f");
            sb.Append("\r\n").Append(new string((char)('a' + i), size)).Append("\r\n");
        }
        sb.Append('0').Append(rng.Chance(10) ? ";last" : "").Append("\r\n");
        if (rng.Chance(20)) sb.Append("T: 1\r\n");
        sb.Append("\r\n");
        return Encoding.Latin1.GetBytes(sb.ToString());
    }

    public string? Check(byte[] input)
    {
        var whole = Decode(input, input.Length, out string? violation);
        if (violation is not null) return violation;
        Counts[whole.Step switch { ChunkStep.Done => "done", ChunkStep.Error => "rejected", _ => "incomplete" }]++;
        return CheckSplits(input, whole, Counts);
    }

    public readonly record struct Outcome(string Data, ChunkStep Step, string? Error, int Consumed);

    /// <summary>Every split of wire in two gives the whole wire's outcome.</summary>
    public static string? CheckSplits(ReadOnlySpan<byte> wire, Outcome whole, Dictionary<string, long> counts)
    {
        var copy = wire.ToArray();
        for (int k = 1; k < copy.Length; k++)
        {
            var split = Decode(copy, k, out string? violation);
            if (violation is not null) return $"split at {k}: {violation}";
            if (split != whole) return $"split at {k} gives {split.Step} '{split.Error}' ({split.Data.Length} data bytes), whole gives {whole.Step} '{whole.Error}' ({whole.Data.Length})";
            counts["splits"]++;
        }
        return null;
    }

    /// <summary>Feeds wire[..firstPiece] then the rest, as the body reader does with what has arrived.</summary>
    public static Outcome Decode(byte[] wire, int firstPiece, out string? violation)
    {
        violation = null;
        var decoder = new ChunkedDecoder();
        var data = new StringBuilder();
        int pos = 0, fed = firstPiece;
        while (true)
        {
            var step = decoder.Step(wire.AsSpan(pos, fed - pos), out int consumed);
            if (consumed < 0 || consumed > fed - pos) { violation = $"Step consumed {consumed} of {fed - pos} bytes"; return default; }
            pos += consumed;
            if (step == ChunkStep.Error && (decoder.Step(wire.AsSpan(pos, fed - pos), out int again) != ChunkStep.Error || again != 0))
            { violation = "an Error was not final"; return default; }
            if (step == ChunkStep.Data && pos < fed)
            {
                int take = (int)Math.Min(decoder.Remaining, fed - pos);
                data.Append(Encoding.Latin1.GetString(wire, pos, take));
                decoder.ConsumeData(take);
                pos += take;
                continue;
            }
            if (step is ChunkStep.Done or ChunkStep.Error || fed == wire.Length)
                return new Outcome(data.ToString(), step, decoder.Error, pos);
            fed = wire.Length;
        }
    }
}
