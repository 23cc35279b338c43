// Overview
// Incremental decoder for a chunked request body (RFC 9112 §7.1), a deliberate improvement on uWSGI,
// whose http-socket hands the app an empty body. Pure: it is fed whatever bytes have arrived and
// never touches a socket. The data bytes are not copied by the decoder: when Step returns Data, the
// caller takes up to Remaining bytes itself (from its buffer or straight from the socket into the
// app's buffer) and reports them with ConsumeData, so large chunks are read without a double copy.
//
// Wire format (strict: anything else is an Error, and an Error is final):
//   chunk     = chunk-size(hex) [ BWS ";" chunk-ext ] CRLF  chunk-data CRLF
//   last      = 1*"0" [ BWS ";" chunk-ext ] CRLF
//   trailers  = *( field-line CRLF )   (skipped: WSGI has no place for them)
//   end       = CRLF
// Whitespace after the size is allowed only before a ';' (`5 \r\n` is rejected); leading zeros are
// allowed; an extension or trailer line may hold no control byte but HTAB (a bare LF is rejected).

namespace DotnetWsgi.Worker.Protocol;

public enum ChunkStep
{
    /// <summary>All input was framing; feed more bytes.</summary>
    NeedMore,
    /// <summary>The decoder is inside chunk data: Remaining bytes of data follow.</summary>
    Data,
    /// <summary>The last chunk and the trailers are consumed: the body is complete.</summary>
    Done,
    /// <summary>Malformed framing (Error says why).</summary>
    Error,
}

public struct ChunkedDecoder
{
    private enum State : byte { Size, SizeWs, Ext, SizeLf, Data, DataCr, DataLf, TrailerStart, Trailer, TrailerLf, FinalLf, Done }

    private const long MaxSizeBeforeShift = long.MaxValue >> 4;
    private const int MaxExtensionBytes = 4096;
    private const int MaxTrailerBytes = 65536;

    private State _state;
    private long _size;
    private bool _digits;
    private int _skipped;

    /// <summary>Data bytes left in the current chunk (valid when Step returned Data).</summary>
    public readonly long Remaining => _state == State.Data ? _size : 0;
    public readonly bool IsDone => _state == State.Done;
    public string? Error { get; private set; }

    /// <summary>Consumes framing bytes from input until data, the end, an error or the end of input.</summary>
    public ChunkStep Step(ReadOnlySpan<byte> input, out int consumed)
    {
        consumed = 0;
        if (Error is not null) return ChunkStep.Error;
        while (true)
        {
            if (_state == State.Data) return ChunkStep.Data;
            if (_state == State.Done) return ChunkStep.Done;
            if (consumed == input.Length) return ChunkStep.NeedMore;
            string? error = Advance(input[consumed]);
            consumed++;
            if (error is not null)
            {
                Error = error;
                return ChunkStep.Error;
            }
        }
    }

    /// <summary>Reports n data bytes taken by the caller (n &lt;= Remaining).</summary>
    public void ConsumeData(long n)
    {
        if (_state != State.Data || n > _size) throw new InvalidOperationException("more chunk data consumed than available");
        _size -= n;
        if (_size == 0) _state = State.DataCr;
    }

    private string? Advance(byte b)
    {
        switch (_state)
        {
            case State.Size:
                int hex = HexValue(b);
                if (hex >= 0)
                {
                    if (_size > MaxSizeBeforeShift) return "chunk size too large";
                    _digits = true;
                    _size = _size * 16 + hex;
                    return null;
                }
                if (!_digits) return "invalid chunk size";
                if (b == '\r') { _state = State.SizeLf; return null; }
                if (b == ';') { _state = State.Ext; _skipped = 0; return null; }
                if (b == ' ' || b == '\t') { _state = State.SizeWs; return null; }
                return "invalid chunk size";
            case State.SizeWs:
                if (b == ';') { _state = State.Ext; _skipped = 0; return null; }
                return b == ' ' || b == '\t' ? null : "whitespace after chunk size not followed by ';'";
            case State.Ext:
                if (b == '\r') { _state = State.SizeLf; return null; }
                if (IsControl(b)) return "control character in chunk extension";
                return ++_skipped > MaxExtensionBytes ? "chunk extension too long" : null;
            case State.SizeLf:
                if (b != '\n') return "missing LF after chunk size";
                _state = _size == 0 ? State.TrailerStart : State.Data;
                _skipped = 0;
                return null;
            case State.DataCr:
                if (b != '\r') return "missing CRLF after chunk data";
                _state = State.DataLf;
                return null;
            case State.DataLf:
                if (b != '\n') return "missing CRLF after chunk data";
                _state = State.Size;
                _size = 0;
                _digits = false;
                return null;
            default:
                return AdvanceTrailer(b);
        }
    }

    private string? AdvanceTrailer(byte b)
    {
        if (++_skipped > MaxTrailerBytes) return "chunked trailers too long";
        switch (_state)
        {
            case State.TrailerStart:
                if (IsControl(b) && b != '\r') return "control character in chunked trailer";
                _state = b == '\r' ? State.FinalLf : State.Trailer;
                return null;
            case State.Trailer:
                if (b == '\r') _state = State.TrailerLf;
                else if (IsControl(b)) return "control character in chunked trailer";
                return null;
            case State.TrailerLf:
                if (b != '\n') return "missing LF in chunked trailer";
                _state = State.TrailerStart;
                return null;
            case State.FinalLf:
                if (b != '\n') return "missing final CRLF of chunked body";
                _state = State.Done;
                return null;
            default:
                throw new InvalidOperationException($"chunked decoder in state {_state}");
        }
    }

    private static bool IsControl(byte b) => (b < 0x20 && b != '\t') || b == 0x7f;

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
