// The header-field half of the HTTP head parser: splits the field lines, validates the framing
// headers and turns the fields into CGI vars (repeats merged with ", ", as uWSGI does).

using System.Buffers;
using DotnetWsgi.Worker.Hosting;

namespace DotnetWsgi.Worker.Protocol;

public static partial class HttpRequestParser
{
    private const int MaxFieldsOnStack = 256;

    /// <summary>What the field rules depend on besides the field lines themselves.</summary>
    private readonly ref struct FieldRules(int maxVars, bool http11, bool keepUnderscores, bool absoluteForm, ReadOnlySpan<byte> authority)
    {
        public int MaxVars { get; } = maxVars;
        public bool Http11 { get; } = http11;
        public bool KeepUnderscores { get; } = keepUnderscores;
        /// <summary>The target was absolute-form: Authority replaces every Host header.</summary>
        public bool AbsoluteForm { get; } = absoluteForm;
        public ReadOnlySpan<byte> Authority { get; } = authority;
    }

    /// <summary>fields: every field line including its CRLF, without the final empty line.</summary>
    private static ParseResult? ParseFields(ReadOnlySpan<byte> fields, in FieldRules rules, RequestVars vars, ref HttpRequestHead head)
    {
        int maxFields = Math.Min(Math.Max(rules.MaxVars * 2, 16), MaxFieldsOnStack);
        Span<int> ranges = stackalloc int[MaxFieldsOnStack * 4]; // nameStart, nameLen, valueStart, valueLen
        int count = 0;
        int pos = 0;
        while (pos < fields.Length)
        {
            int end = fields[pos..].IndexOf("\r\n"u8) + pos;
            var line = fields[pos..end];
            if (ValidateLine(line, out int colon, out var value, out int lead) is { } error) return ParseResult.Fail(400, error);
            int linePos = pos;
            pos = end + 2;
            if (!rules.KeepUnderscores && line[..colon].IndexOf((byte)'_') >= 0) continue; // dropped, as nginx does
            if (count == maxFields) return ParseResult.Fail(400, $"too many headers (max {maxFields})");
            ranges[count * 4] = linePos;
            ranges[count * 4 + 1] = colon;
            ranges[count * 4 + 2] = linePos + colon + 1 + lead;
            ranges[count * 4 + 3] = value.Length;
            count++;
        }
        ranges = ranges[..(count * 4)];
        if (ReadFraming(fields, ranges, rules.Http11, ref head) is { } framingError) return framingError;
        EmitVars(fields, ranges, in rules, vars);
        return null;
    }

    private static string? ValidateLine(ReadOnlySpan<byte> line, out int colon, out ReadOnlySpan<byte> value, out int lead)
    {
        value = default;
        lead = 0;
        colon = -1;
        if (line[0] == ' ' || line[0] == '\t') return "obsolete header line folding";
        colon = line.IndexOf((byte)':');
        if (colon < 0) return "header line without ':'";
        if (!IsToken(line[..colon])) return "malformed header name";
        value = Trim(line[(colon + 1)..], out lead);
        foreach (byte b in value)
            if ((b < 0x20 && b != '\t') || b == 0x7f) return "control character in header value";
        return null;
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> value, out int lead)
    {
        lead = 0;
        while (lead < value.Length && (value[lead] == ' ' || value[lead] == '\t')) lead++;
        int end = value.Length;
        while (end > lead && (value[end - 1] == ' ' || value[end - 1] == '\t')) end--;
        return value[lead..end];
    }

    private static ReadOnlySpan<byte> Name(ReadOnlySpan<byte> f, ReadOnlySpan<int> r, int i) => f.Slice(r[i * 4], r[i * 4 + 1]);
    private static ReadOnlySpan<byte> Value(ReadOnlySpan<byte> f, ReadOnlySpan<int> r, int i) => f.Slice(r[i * 4 + 2], r[i * 4 + 3]);

    private static bool TryParseLength(ReadOnlySpan<byte> value, out long length)
    {
        length = 0;
        if (value.IsEmpty || value.Length > 18) return false;
        foreach (byte b in value)
        {
            if (!IsDigit(b)) return false;
            length = length * 10 + (b - '0');
        }
        return true;
    }

    private static void ReadConnectionTokens(ReadOnlySpan<byte> value, ref HttpRequestHead head)
    {
        foreach (var range in value.Split((byte)','))
        {
            var token = Trim(value[range], out _);
            if (token.EqualsIgnoreCaseAscii("close"u8)) head.ConnectionClose = true;
            else if (token.EqualsIgnoreCaseAscii("keep-alive"u8)) head.ConnectionKeepAlive = true;
        }
    }

    private static void EmitVars(ReadOnlySpan<byte> f, ReadOnlySpan<int> r, in FieldRules rules, RequestVars vars)
    {
        if (rules.AbsoluteForm) vars.Add("HTTP_HOST"u8, rules.Authority);
        int n = r.Length / 4;
        for (int i = 0; i < n; i++)
        {
            var name = Name(f, r, i);
            if (SeenBefore(f, r, i)) continue;
            if (name.EqualsIgnoreCaseAscii("Content-Length"u8)) vars.Add("CONTENT_LENGTH"u8, Value(f, r, i));
            else if (name.EqualsIgnoreCaseAscii("Content-Type"u8)) vars.Add("CONTENT_TYPE"u8, Value(f, r, i));
            else if (rules.AbsoluteForm && name.EqualsIgnoreCaseAscii("Host"u8)) continue;
            else AddHeaderVar(f, r, i, vars);
        }
    }

    /// <summary>True when an earlier field has the same var name (it was emitted merged with this one).</summary>
    private static bool SeenBefore(ReadOnlySpan<byte> f, ReadOnlySpan<int> r, int i)
    {
        for (int j = 0; j < i; j++)
            if (SameVarName(Name(f, r, j), Name(f, r, i))) return true;
        return false;
    }

    private static bool SameVarName(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length) return false;
        for (int k = 0; k < a.Length; k++)
            if (VarChar(a[k]) != VarChar(b[k])) return false;
        return true;
    }

    private static byte VarChar(byte b) => b == '-' ? (byte)'_' : b is >= (byte)'a' and <= (byte)'z' ? (byte)(b - 32) : b;

    private static void AddHeaderVar(ReadOnlySpan<byte> f, ReadOnlySpan<int> r, int i, RequestVars vars)
    {
        var name = Name(f, r, i);
        Span<byte> key = name.Length <= 251 ? stackalloc byte[5 + name.Length] : new byte[5 + name.Length];
        "HTTP_"u8.CopyTo(key);
        for (int k = 0; k < name.Length; k++) key[5 + k] = VarChar(name[k]);

        int total = 0, repeats = 0;
        for (int j = i; j < r.Length / 4; j++)
            if (SameVarName(name, Name(f, r, j))) { total += Value(f, r, j).Length + 2; repeats++; }
        if (repeats == 1)
        {
            vars.Add(key, Value(f, r, i));
            return;
        }
        byte[] rented = ArrayPool<byte>.Shared.Rent(total);
        int w = 0;
        for (int j = i; j < r.Length / 4; j++)
        {
            if (!SameVarName(name, Name(f, r, j))) continue;
            if (w > 0) { rented[w++] = (byte)','; rented[w++] = (byte)' '; }
            Value(f, r, j).CopyTo(rented.AsSpan(w));
            w += Value(f, r, j).Length;
        }
        vars.Add(key, rented.AsSpan(0, w));
        ArrayPool<byte>.Shared.Return(rented);
    }
}

internal static class AsciiSpanExtensions
{
    public static bool EqualsIgnoreCaseAscii(this ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
        => System.Text.Ascii.EqualsIgnoreCase(a, b);
}
