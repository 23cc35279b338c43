// The framing half of the HTTP head parser: Content-Length, Transfer-Encoding, Host, Connection and
// Expect, read before any var is emitted so a request that could be framed two ways never reaches
// the app.
//
// Transfer-Encoding (RFC 9112 §6, RFC 9110 §5.3): every Transfer-Encoding field line is one list,
// read in order, whatever its layout (one line or several). Empty list elements are ignored.
//   - any Transfer-Encoding on an HTTP/1.0 request                 -> 400 (§6.1: faulty framing)
//   - an element that is not a token (quoted, stray ';', ...)      -> 400
//   - only `identity` elements: the obsolete no-op coding of RFC 2616, taken as "no transfer coding";
//     the body is framed by Content-Length (or has none)
//   - `identity` next to any other coding                          -> 400
//   - chunked more than once, or not the final coding, or with parameters -> 400 (§6.3)
//   - any other coding before the final chunked (gzip, ...)        -> 501 (not implemented)
//   - any coding but identity together with Content-Length         -> 400 (checked first)
// Host: more than one Host field line -> 400 (RFC 9112 §3.2).

namespace DotnetWsgi.Worker.Protocol;

public static partial class HttpRequestParser
{
    private static ParseResult? ReadFraming(ReadOnlySpan<byte> f, ReadOnlySpan<int> r, bool http11, ref HttpRequestHead head)
    {
        bool hasLength = false, hasTransferEncoding = false, hasHost = false;
        var codings = new CodingList();
        for (int i = 0; i < r.Length / 4; i++)
        {
            var name = Name(f, r, i);
            var value = Value(f, r, i);
            if (name.EqualsIgnoreCaseAscii("Content-Length"u8))
            {
                if (!TryParseLength(value, out long length)) return ParseResult.Fail(400, "invalid Content-Length");
                if (hasLength && length != head.ContentLength) return ParseResult.Fail(400, "conflicting Content-Length headers");
                hasLength = true;
                head.ContentLength = length;
            }
            else if (name.EqualsIgnoreCaseAscii("Transfer-Encoding"u8))
            {
                if (!http11) return ParseResult.Fail(400, "Transfer-Encoding on an HTTP/1.0 request");
                hasTransferEncoding = true;
                if (codings.Add(value) is { } error) return ParseResult.Fail(400, error);
            }
            else if (name.EqualsIgnoreCaseAscii("Host"u8))
            {
                if (hasHost) return ParseResult.Fail(400, "more than one Host header");
                hasHost = true;
            }
            else if (name.EqualsIgnoreCaseAscii("Connection"u8)) ReadConnectionTokens(value, ref head);
            else if (name.EqualsIgnoreCaseAscii("Expect"u8) && value.EqualsIgnoreCaseAscii("100-continue"u8)) head.Expect100 = true;
        }
        return SetFraming(hasLength, hasTransferEncoding ? codings.Verdict() : null, ref head);
    }

    /// <summary>verdict: the Transfer-Encoding list's, null when there is none or only identity.</summary>
    private static ParseResult? SetFraming(bool hasLength, (int Status, string Reason)? verdict, ref HttpRequestHead head)
    {
        if (verdict is { } v)
        {
            // checked first: a request framed two ways is the smuggling signal, whatever the codings
            if (hasLength) return ParseResult.Fail(400, "both Content-Length and Transfer-Encoding");
            if (v.Status != 0) return ParseResult.Fail(v.Status, v.Reason);
            head.Framing = BodyFraming.Chunked;
            return null;
        }
        head.Framing = hasLength && head.ContentLength > 0 ? BodyFraming.ContentLength : BodyFraming.None;
        return null;
    }

    /// <summary>The Transfer-Encoding list, accumulated over every field line in order.</summary>
    private struct CodingList
    {
        private int _elements, _identity, _chunked;
        private bool _lastIsChunked, _chunkedParams;
        private string? _unknown;

        /// <summary>Adds one field line's elements; returns a 400 reason for a malformed element.</summary>
        public string? Add(ReadOnlySpan<byte> value)
        {
            foreach (var range in value.Split((byte)','))
            {
                var element = Trim(value[range], out _);
                if (element.IsEmpty) continue;
                int semi = element.IndexOf((byte)';');
                var name = Trim(semi < 0 ? element : element[..semi], out _);
                if (!IsToken(name)) return "malformed Transfer-Encoding";
                _elements++;
                _lastIsChunked = name.EqualsIgnoreCaseAscii("chunked"u8);
                if (_lastIsChunked) { _chunked++; _chunkedParams |= semi >= 0; }
                else if (name.EqualsIgnoreCaseAscii("identity"u8) && semi < 0) _identity++;
                else _unknown ??= System.Text.Encoding.ASCII.GetString(name);
            }
            return null;
        }

        /// <summary>null: no transfer coding (only identity); (0, _): chunked; else the status and reason.</summary>
        public readonly (int Status, string Reason)? Verdict()
        {
            if (_elements == 0) return (400, "empty Transfer-Encoding");
            if (_identity == _elements) return null;
            if (_identity > 0) return (400, "identity mixed with other transfer codings");
            if (_chunked > 1) return (400, "chunked applied more than once");
            if (!_lastIsChunked) return (400, "chunked is not the final transfer coding");
            if (_chunkedParams) return (400, "parameters on the chunked transfer coding");
            if (_unknown is not null) return (501, $"unsupported transfer coding '{_unknown}'");
            return (0, "");
        }
    }
}
