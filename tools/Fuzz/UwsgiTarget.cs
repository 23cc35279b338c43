// The uwsgi packet parser (and the body framing read from its vars): packets built as nginx's
// uwsgi_pass does, from CGI vars (CONTENT_LENGTH valid and not), then mutated, length fields included.
// Invariants: an Error is 400 or 431 and final (still an Error with more bytes after it); Done
// consumes exactly 4 + datasize; the vars re-encode to exactly the consumed block (nothing lost,
// invented or read from outside it); every shorter prefix gives NeedMore; bytes after the packet
// change nothing; reading the framing from the vars never throws and never gives a negative length.

using System.Buffers.Binary;
using System.Text;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Protocol;

namespace DotnetWsgi.Fuzz;

public sealed class UwsgiTarget : IFuzzTarget
{
    private static readonly string[] Keys =
    [
        "REQUEST_METHOD", "REQUEST_URI", "PATH_INFO", "QUERY_STRING", "SERVER_PROTOCOL", "CONTENT_LENGTH", "CONTENT_TYPE",
        "HTTP_HOST", "HTTP_X_FORWARDED_FOR", "REMOTE_ADDR", "UWSGI_SCRIPT", "",
    ];
    private static readonly string[] Values = ["GET", "/", "/a b", "x=1", "HTTP/1.1", "HTTP/1.0", "0", "5", "-1", "1x", "", "99999999999999999999", "h"];
    private static readonly byte[][] Dictionary = [.. new[] { "\0\0", "\x05\0", "\xff\xff", "CONTENT_LENGTH", "\0" }.Select(Encoding.Latin1.GetBytes)];
    private static readonly byte[] Trailing = "body-or-next-packet"u8.ToArray();

    private readonly RequestVars _vars = new(), _again = new();

    public string Name => "uwsgi";
    public Dictionary<string, long> Counts { get; } = new() { ["done"] = 0, ["rejected"] = 0, ["incomplete"] = 0, ["splits"] = 0 };

    public byte[] Generate(ref Rng rng)
    {
        var block = new MemoryStream();
        int count = rng.Next(0, 12);
        for (int i = 0; i < count; i++)
        {
            WriteString(block, Encoding.Latin1.GetBytes(rng.Chance(90) ? rng.Pick(Keys) : RandomText(ref rng)));
            WriteString(block, Encoding.Latin1.GetBytes(rng.Chance(80) ? rng.Pick(Values) : RandomText(ref rng)));
        }
        var vars = block.ToArray();
        byte[] packet = [(byte)(rng.Chance(95) ? 0 : rng.Next(256)), (byte)vars.Length, (byte)(vars.Length >> 8), 0, .. vars];
        if (rng.Chance(30)) packet = [.. packet, .. Trailing];
        return rng.Chance(50) ? Mutator.Mutate(packet, ref rng, Dictionary) : packet;
    }

    private static string RandomText(ref Rng rng)
    {
        var chars = new char[rng.Next(0, 20)];
        for (int i = 0; i < chars.Length; i++) chars[i] = (char)rng.Next(256);
        return new string(chars);
    }

    private static void WriteString(MemoryStream s, byte[] value)
    {
        s.WriteByte((byte)value.Length);
        s.WriteByte((byte)(value.Length >> 8));
        s.Write(value);
    }

    public string? Check(byte[] input)
    {
        int bufferSize = input.Length % 5 == 0 ? 32 : 4096;
        var r = UwsgiPacketParser.Parse(input, bufferSize, 64, _vars);
        Counts[r.Status switch { ParseStatus.Done => "done", ParseStatus.Error => "rejected", _ => "incomplete" }]++;
        if (r.Status == ParseStatus.Error)
        {
            if (r.ErrorStatus is not (400 or 431) || string.IsNullOrEmpty(r.Reason) || r.Consumed != 0) return $"bad Error result {r}";
            var extended = UwsgiPacketParser.Parse([.. input, .. Trailing], bufferSize, 64, _again);
            return extended.Status == ParseStatus.Error ? null : $"rejected packet gave {extended.Status} once bytes were appended";
        }
        return r.Status == ParseStatus.Done ? CheckDone(input, r, bufferSize) : null;
    }

    private string? CheckDone(byte[] input, ParseResult r, int bufferSize)
    {
        int expected = UwsgiPacketParser.HeaderSize + BinaryPrimitives.ReadUInt16LittleEndian(input.AsSpan(1));
        if (r.Consumed != expected || r.Consumed > input.Length) return $"Done consumed {r.Consumed}, datasize says {expected}, input {input.Length}";
        var encoded = new MemoryStream();
        for (int i = 0; i < _vars.Count; i++) { WriteString(encoded, _vars.Key(i).ToArray()); WriteString(encoded, _vars.Value(i).ToArray()); }
        if (!encoded.ToArray().AsSpan().SequenceEqual(input.AsSpan(4, r.Consumed - 4))) return "the vars do not re-encode to the consumed block";
        var alone = UwsgiPacketParser.Parse(input.AsSpan(0, r.Consumed), bufferSize, 64, _again);
        if (alone != r || _again.Count != _vars.Count) return "the packet alone parses differently";
        for (int k = 0; k < r.Consumed; k++)
        {
            var prefix = UwsgiPacketParser.Parse(input.AsSpan(0, k), bufferSize, 64, _again);
            if (prefix.Status != ParseStatus.NeedMore) return $"prefix of {k} bytes gave {prefix.Status} {prefix.Reason}";
            Counts["splits"]++;
        }
        var head = default(HttpRequestHead);
        if (UwsgiRequest.ReadHead(_vars, ref head) is null && (head.ContentLength < 0 || (head.Framing == BodyFraming.ContentLength) != head.ContentLength > 0))
            return $"framing {head.Framing} with CONTENT_LENGTH {head.ContentLength}";
        return null;
    }
}
