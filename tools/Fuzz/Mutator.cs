// Byte-level mutations applied to generated inputs: bit flips, interesting bytes, inserted tokens from
// the target's dictionary, deleted, duplicated and swapped ranges, truncation, and 16-bit length
// fields overwritten with boundary values (for the binary uwsgi packets).

using System.Buffers.Binary;

namespace DotnetWsgi.Fuzz;

public static class Mutator
{
    private static readonly byte[] Interesting = "\r\n \t:;,=_-0\"#?/*@%"u8.ToArray().Concat(new byte[] { 0, 1, 0x0b, 0x7f, 0x80, 0xff }).ToArray();
    private static readonly ushort[] Lengths = [0, 1, 2, 3, 4, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xfffe, 0xffff];

    public static byte[] Mutate(byte[] input, ref Rng rng, IReadOnlyList<byte[]> dictionary)
    {
        var data = new List<byte>(input);
        int ops = rng.Next(1, 5);
        for (int i = 0; i < ops; i++) Apply(data, ref rng, dictionary);
        return [.. data];
    }

    private static void Apply(List<byte> d, ref Rng rng, IReadOnlyList<byte[]> dictionary)
    {
        int op = rng.Next(9);
        int at = d.Count == 0 ? 0 : rng.Next(d.Count);
        switch (op)
        {
            case 0 when d.Count > 0: d[at] ^= (byte)(1 << rng.Next(8)); break;
            case 1 when d.Count > 0: d[at] = rng.Pick(Interesting); break;
            case 2: d.Insert(at, rng.Pick(Interesting)); break;
            case 3: d.InsertRange(at, rng.Pick(dictionary)); break;
            case 4 when d.Count > 0: d.RemoveRange(at, Math.Min(d.Count - at, rng.Next(1, 9))); break;
            case 5 when d.Count > 0: d.InsertRange(at, d.GetRange(at, Math.Min(d.Count - at, rng.Next(1, 17)))); break;
            case 6 when d.Count > 0: d.RemoveRange(at, d.Count - at); break;
            case 7 when d.Count > 2: WriteLength(d, rng.Next(d.Count - 1), rng.Pick(Lengths)); break;
            case 8 when d.Count > 1: Swap(d, ref rng); break;
            default: d.Add(rng.Pick(Interesting)); break;
        }
    }

    private static void WriteLength(List<byte> d, int at, ushort value)
    {
        Span<byte> le = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(le, value);
        d[at] = le[0];
        d[at + 1] = le[1];
    }

    private static void Swap(List<byte> d, ref Rng rng)
    {
        int a = rng.Next(d.Count), b = rng.Next(d.Count);
        (d[a], d[b]) = (d[b], d[a]);
    }
}
