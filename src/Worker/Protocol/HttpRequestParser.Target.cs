// The request-target half of the HTTP head parser (RFC 9112 §3.2): which of the four target forms a
// request line uses, whether its method allows that form, and the parts that become vars.
//
//   origin-form     /path[?query]               any method but CONNECT
//   absolute-form   http(s)://authority/path    any method but CONNECT; the path and query are served,
//                                               the authority replaces the Host header (§3.2.2)
//   asterisk-form   *                           OPTIONS only
//   authority-form  host:port                   CONNECT only; answered 501 (nothing is tunnelled)
//
// A '#' anywhere in the target is rejected (400): a fragment is never sent on the wire (it is not in
// the request-target grammar), so one that arrives is a broken or hostile client.

namespace DotnetWsgi.Worker.Protocol;

public static partial class HttpRequestParser
{
    private enum TargetForm : byte { Origin, Absolute, Asterisk, Authority }

    /// <summary>A classified target: PathStart/PathLength give the origin-form part (path and query)
    /// inside the target; for absolute-form AuthorityStart/AuthorityLength give the authority.</summary>
    private readonly record struct Target(TargetForm Form, int PathStart, int PathLength, int AuthorityStart, int AuthorityLength);

    private static ParseResult? ClassifyTarget(ReadOnlySpan<byte> method, ReadOnlySpan<byte> target, out Target result)
    {
        result = new Target(TargetForm.Origin, 0, target.Length, 0, 0);
        bool connect = method.SequenceEqual("CONNECT"u8);
        if (target.IndexOf((byte)'#') >= 0) return ParseResult.Fail(400, "fragment ('#') in request target");
        if (connect) return ClassifyConnect(target);
        if (target[0] == '/') return null;
        if (target.SequenceEqual("*"u8))
        {
            result = result with { Form = TargetForm.Asterisk };
            return method.SequenceEqual("OPTIONS"u8) ? null : ParseResult.Fail(400, "asterisk-form target '*' is only allowed for OPTIONS");
        }
        int authStart = SchemeLength(target);
        if (authStart == 0)
            return ParseResult.Fail(400, "request target must be /path, http://host/path, '*' (OPTIONS) or host:port (CONNECT)");
        int authEnd = target[authStart..].IndexOfAny((byte)'/', (byte)'?');
        authEnd = authEnd < 0 ? target.Length : authStart + authEnd;
        var authority = target[authStart..authEnd];
        if (authority.IsEmpty) return ParseResult.Fail(400, "absolute-form target without a host");
        if (authority.IndexOf((byte)'@') >= 0) return ParseResult.Fail(400, "userinfo ('@') in absolute-form target");
        result = new Target(TargetForm.Absolute, authEnd, target.Length - authEnd, authStart, authority.Length);
        return null;
    }

    /// <summary>CONNECT: an authority-form target (host:port) is well formed but not served.</summary>
    private static ParseResult ClassifyConnect(ReadOnlySpan<byte> target)
    {
        int colon = target.LastIndexOf((byte)':');
        var port = colon < 0 ? default : target[(colon + 1)..];
        bool digits = port.Length is > 0 and <= 5 && port.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;
        if (colon <= 0 || !digits || target.IndexOfAny("/?@"u8) >= 0)
            return ParseResult.Fail(400, "CONNECT needs an authority-form target (host:port)");
        return ParseResult.Fail(501, "CONNECT is not supported (no tunnels)");
    }

    /// <summary>Length of a leading "http://" or "https://" (any case), else 0.</summary>
    private static int SchemeLength(ReadOnlySpan<byte> target)
    {
        if (target.Length >= 7 && System.Text.Ascii.EqualsIgnoreCase(target[..7], "http://"u8)) return 7;
        if (target.Length >= 8 && System.Text.Ascii.EqualsIgnoreCase(target[..8], "https://"u8)) return 8;
        return 0;
    }
}
