// The framing and header rules that keep a request from being read two ways (request smuggling) or
// from spoofing a header a proxy vouches for: one test per rule, built from RFC 9112/9110's own
// examples and the classic smuggling patterns (CL.TE, TE.CL, TE.TE with obfuscated codings, chunked
// on HTTP/1.0, duplicate Host, underscore spoofing, absolute-form targets).

using System.Text;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Protocol;

namespace DotnetWsgi.Worker.Tests.Protocol;

public sealed class HttpFramingRulesTests
{
    private static ParseResult Parse(string text, out RequestVars vars, out HttpRequestHead head, bool keepUnderscores = false)
    {
        vars = new RequestVars();
        var server = new HttpServerVars { ServerName = "vm"u8, ServerPort = "80"u8, RemoteAddr = "127.0.0.1"u8, RemotePort = "5"u8 };
        return HttpRequestParser.Parse(Encoding.Latin1.GetBytes(text), 4096, 64, in server, vars, out head, keepUnderscores);
    }

    private static void AssertRejected(string request, int status, string reason)
    {
        var r = Parse(request, out _, out _);
        Assert.True(r.Status == ParseStatus.Error, $"accepted: {request}");
        Assert.Equal(status, r.ErrorStatus);
        Assert.Contains(reason, r.Reason);
    }

    [Theory] // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 request is faulty framing
    [InlineData("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("POST / HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("POST / HTTP/1.0\r\nTransfer-Encoding: identity\r\nContent-Length: 3\r\n\r\n")]
    public void TransferEncoding_OnHttp10_Is400(string request)
        => AssertRejected(request, 400, "Transfer-Encoding on an HTTP/1.0 request");

    [Theory] // RFC 9110 §5.3: repeated lines are one comma-separated list
    [InlineData("Transfer-Encoding: chunked, chunked\r\n", "chunked applied more than once")]
    [InlineData("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "chunked applied more than once")]
    [InlineData("Transfer-Encoding: identity, chunked, identity, chunked\r\n", "identity mixed")]
    [InlineData("Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n", "identity mixed")]
    [InlineData("Transfer-Encoding: chunked, gzip\r\n", "chunked is not the final")]
    [InlineData("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n", "chunked is not the final")]
    [InlineData("Transfer-Encoding: xchunked\r\n", "chunked is not the final")]
    [InlineData("Transfer-Encoding: chunk\r\n", "chunked is not the final")]
    [InlineData("Transfer-Encoding: \"chunked\"\r\n", "malformed Transfer-Encoding")]
    [InlineData("Transfer-Encoding: chunked;q=1\r\n", "parameters on the chunked")]
    [InlineData("Transfer-Encoding: \r\n", "empty Transfer-Encoding")]
    [InlineData("Transfer-Encoding: ,\r\n", "empty Transfer-Encoding")]
    [InlineData("Transfer-Encoding: chunked\r\nContent-Length: 4\r\n", "both Content-Length and Transfer-Encoding")] // CL.TE / TE.CL
    [InlineData("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", "both Content-Length and Transfer-Encoding")]
    [InlineData("Transfer-Encoding: gzip, chunked\r\nContent-Length: 4\r\n", "both Content-Length and Transfer-Encoding")]
    public void TransferEncoding_ListRules_Are400(string fields, string reason)
        => AssertRejected($"POST / HTTP/1.1\r\nHost: h\r\n{fields}\r\n", 400, reason);

    [Theory] // RFC 9112 §6.1: a coding the server does not understand is 501
    [InlineData("Transfer-Encoding: gzip, chunked\r\n", "'gzip'")]
    [InlineData("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", "'gzip'")]
    [InlineData("Transfer-Encoding: x-custom;a=b, chunked\r\n", "'x-custom'")]
    public void TransferEncoding_UnknownCodingBeforeChunked_Is501(string fields, string coding)
        => AssertRejected($"POST / HTTP/1.1\r\n{fields}\r\n", 501, coding);

    [Theory] // TE.TE obfuscations that still read as one final chunked are accepted as chunked, consistently
    [InlineData("Transfer-Encoding: chunked\r\n")]
    [InlineData("Transfer-Encoding: CHUNKED\r\n")]
    [InlineData("Transfer-Encoding:\tchunked\t\r\n")]
    [InlineData("Transfer-Encoding: ,chunked,\r\n")]
    [InlineData("transfer-encoding: chunked\r\nX-A: 1\r\n")]
    public void TransferEncoding_OneFinalChunked_IsChunked(string fields)
    {
        var r = Parse($"POST / HTTP/1.1\r\n{fields}\r\n", out _, out var head);

        Assert.Equal(ParseStatus.Done, r.Status);
        Assert.Equal(BodyFraming.Chunked, head.Framing);
    }

    [Fact]
    public void TransferEncoding_OnRepeatedLines_EndingInChunked_Is501NotFramingConfusion()
    {
        // RFC 9112 §6.1 example: "Transfer-Encoding: gzip, chunked" is the same list split over two lines
        var one = Parse("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", out _, out _);
        var two = Parse("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n", out _, out _);

        Assert.Equal((one.Status, one.ErrorStatus, one.Reason), (two.Status, two.ErrorStatus, two.Reason));
    }

    [Theory] // identity alone is the obsolete no-op coding: Content-Length frames the body
    [InlineData("Transfer-Encoding: identity\r\nContent-Length: 3\r\n", BodyFraming.ContentLength)]
    [InlineData("Transfer-Encoding: Identity\r\nTransfer-Encoding: identity\r\nContent-Length: 3\r\n", BodyFraming.ContentLength)]
    [InlineData("Transfer-Encoding: identity\r\n", BodyFraming.None)]
    public void TransferEncoding_IdentityAlone_IsNoCoding(string fields, BodyFraming framing)
    {
        var r = Parse($"POST / HTTP/1.1\r\n{fields}\r\n", out _, out var head);

        Assert.Equal(ParseStatus.Done, r.Status);
        Assert.Equal(framing, head.Framing);
    }

    [Fact] // RFC 9112 §3.2: more than one Host field line is a 400
    public void TwoHostHeaders_Are400()
    {
        AssertRejected("GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example.com\r\n\r\n", 400, "more than one Host header");
        AssertRejected("GET / HTTP/1.1\r\nHost: localhost\r\nhost: localhost\r\n\r\n", 400, "more than one Host header");
    }

    [Fact]
    public void UnderscoreHeaders_AreDropped_SoTheyCannotSpoofADashedOne()
    {
        var r = Parse("GET / HTTP/1.1\r\nX-Forwarded-For: 10.0.0.1\r\nX_Forwarded_For: 6.6.6.6\r\nTransfer_Encoding: chunked\r\nX-Ok: 1\r\n\r\n", out var vars, out var head);

        Assert.Equal(ParseStatus.Done, r.Status);
        Assert.Equal("10.0.0.1", vars.GetString("HTTP_X_FORWARDED_FOR"));
        Assert.Null(vars.GetString("HTTP_TRANSFER_ENCODING"));
        Assert.Equal("1", vars.GetString("HTTP_X_OK"));
        Assert.Equal(BodyFraming.None, head.Framing);
    }

    [Fact]
    public void UnderscoreHeaders_AreKept_WhenAllowed()
    {
        var r = Parse("GET / HTTP/1.1\r\nX_Api_Key: k\r\n\r\n", out var vars, out _, keepUnderscores: true);

        Assert.Equal(ParseStatus.Done, r.Status);
        Assert.Equal("k", vars.GetString("HTTP_X_API_KEY"));
    }

    [Theory] // RFC 9112 §3.2.2: absolute-form serves the path; the authority is the host
    [InlineData("GET http://example.com/a%20b?x=1 HTTP/1.1\r\nHost: other\r\n\r\n", "example.com", "/a?x=1", "/a b", "x=1")]
    [InlineData("GET HTTPS://example.com:8443 HTTP/1.1\r\n\r\n", "example.com:8443", "/", "/", "")]
    [InlineData("GET http://h?q HTTP/1.1\r\n\r\n", "h", "/?q", "/", "q")]
    public void AbsoluteForm_UsesThePath_AndTheAuthorityAsHost(string request, string host, string uri, string path, string query)
    {
        var r = Parse(request, out var vars, out _);

        Assert.Equal(ParseStatus.Done, r.Status);
        Assert.Equal(host, vars.GetString("HTTP_HOST"));
        Assert.Equal(path, vars.GetString("PATH_INFO"));
        Assert.Equal(query, vars.GetString("QUERY_STRING"));
        if (!request.Contains("%20")) Assert.Equal(uri, vars.GetString("REQUEST_URI"));
    }

    [Theory]
    [InlineData("GET /a#frag HTTP/1.1\r\n\r\n", 400, "fragment")]
    [InlineData("GET /a?x=1#frag HTTP/1.1\r\n\r\n", 400, "fragment")]
    [InlineData("GET * HTTP/1.1\r\n\r\n", 400, "only allowed for OPTIONS")]
    [InlineData("GET example.com:80 HTTP/1.1\r\n\r\n", 400, "request target must be")]
    [InlineData("GET a/b HTTP/1.1\r\n\r\n", 400, "request target must be")]
    [InlineData("GET http:///x HTTP/1.1\r\n\r\n", 400, "without a host")]
    [InlineData("GET http://user@evil/x HTTP/1.1\r\n\r\n", 400, "userinfo")]
    [InlineData("CONNECT /x HTTP/1.1\r\n\r\n", 400, "authority-form")]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\n\r\n", 501, "CONNECT is not supported")]
    public void RequestTargets_OutsideTheirForms_AreRejected(string request, int status, string reason)
        => AssertRejected(request, status, reason);

    [Fact]
    public void AsteriskForm_IsServed_ForOptions()
    {
        var r = Parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", out var vars, out _);

        Assert.Equal(ParseStatus.Done, r.Status);
        Assert.Equal(("*", "*"), (vars.GetString("REQUEST_URI"), vars.GetString("PATH_INFO")));
    }

    [Fact]
    public void TargetErrors_AreAnswered_AsSoonAsTheRequestLineIsIn()
    {
        var r = Parse("GET /a#x HTTP/1.1\r\nHost: h\r\n", out _, out _);

        Assert.Equal((ParseStatus.Error, 400), (r.Status, r.ErrorStatus));
    }
}
