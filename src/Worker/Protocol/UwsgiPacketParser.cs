// Overview
// The uwsgi request packet (nginx `uwsgi_pass`), parsed from a byte buffer without touching a socket.
//
// Wire format:
//   byte 0     modifier1  uint8, must be 0 (Python/WSGI: the only kind of app we host)
//   bytes 1-2  datasize   uint16 little-endian, length of the vars block (the body is not counted)
//   byte 3     modifier2  uint8 (ignored)
//   vars block repeated { key_len uint16 LE, key, val_len uint16 LE, val }; keys non-empty, values may be
//   body       CONTENT_LENGTH bytes follow the vars block on the same stream (read by the body reader)
//
// Errors: datasize > buffer-size -> 431; modifier1 != 0, an empty key or a var running past the block
// -> 400. Magic vars (UWSGI_FILE, UWSGI_SCRIPT, ...) are kept as plain CGI vars: nothing here or in
// the host acts on them, so the wire can never make the worker load code.

using System.Buffers.Binary;
using DotnetWsgi.Worker.Hosting;

namespace DotnetWsgi.Worker.Protocol;

public static class UwsgiPacketParser
{
    public const int HeaderSize = 4;

    /// <summary>
    /// Parses the header and vars block at the start of input into vars (cleared first). Done.Consumed
    /// is 4 + datasize; bytes after it are the start of the body.
    /// </summary>
    public static ParseResult Parse(ReadOnlySpan<byte> input, int bufferSize, int maxVars, RequestVars vars)
    {
        if (input.Length < HeaderSize) return ParseResult.NeedMore;
        if (input[0] != 0)
            return ParseResult.Fail(400, $"unavailable modifier requested: {input[0]}");
        int dataSize = BinaryPrimitives.ReadUInt16LittleEndian(input[1..]);
        if (dataSize > bufferSize)
            return ParseResult.Fail(431, $"invalid request block size: {dataSize} (max {bufferSize})");
        if (input.Length < HeaderSize + dataSize) return ParseResult.NeedMore;

        var error = ParseVars(input.Slice(HeaderSize, dataSize), maxVars, vars);
        return error ?? ParseResult.Done(HeaderSize + dataSize);
    }

    private static ParseResult? ParseVars(ReadOnlySpan<byte> block, int maxVars, RequestVars vars)
    {
        vars.Clear();
        int pos = 0;
        while (pos < block.Length)
        {
            if (!TryReadString(block, ref pos, out var key))
                return ParseResult.Fail(400, $"invalid uwsgi request (truncated key at offset {pos})");
            if (key.IsEmpty)
                return ParseResult.Fail(400, "uwsgi key cannot be null");
            if (!TryReadString(block, ref pos, out var value))
                return ParseResult.Fail(400, $"invalid uwsgi request (truncated value at offset {pos})");
            // uWSGI's vector holds 4*max-vars entries, two per var (key, value).
            if (vars.Count >= maxVars * 2)
                return ParseResult.Fail(400, $"too many uwsgi vars (max {maxVars * 2})");
            vars.Add(key, value);
        }
        return null;
    }

    private static bool TryReadString(ReadOnlySpan<byte> block, ref int pos, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (block.Length - pos < 2) return false;
        int len = BinaryPrimitives.ReadUInt16LittleEndian(block[pos..]);
        if (block.Length - pos - 2 < len) return false;
        value = block.Slice(pos + 2, len);
        pos += 2 + len;
        return true;
    }
}
