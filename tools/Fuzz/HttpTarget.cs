// The HTTP request head parser and the body framing it picks: requests generated from a grammar of
// methods, the four target forms, versions and header lines (the framing and smuggling patterns
// among them), with Content-Length or chunked bodies, then mutated. Invariants are in
// HttpTarget.Checks.cs.

using System.Text;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Protocol;

namespace DotnetWsgi.Fuzz;

public sealed partial class HttpTarget : IFuzzTarget
{
    private static readonly string[] Methods = ["GET", "GET", "POST", "POST", "HEAD", "OPTIONS", "CONNECT", "PUT", "get", "G(T"];
    private static readonly string[] Targets =
    [
        "/", "/a/b?x=1&y=2", "/%2F%zz%41", "/?", "//x", "http://example.com/p?q", "HTTPS://h:8443", "http://h", "http://h?q",
        "http:///x", "http://u@h/", "*", "h:80", "example.com:443", "/a#f", "a/b", "/a?b#c",
    ];
    private static readonly string[] Versions = ["HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.10"];
    private static readonly string[] Headers =
    [
        "Host: h", "Host: h", "Host: evil.example.com", "Content-Type: text/plain", "X-A: 1", "X-A: 2", "Cookie: a=b; c=d",
        "Connection: close", "Connection: keep-alive", "Expect: 100-continue", "User-Agent: fuzz/1.0",
        "Transfer-Encoding: chunked", "Transfer-Encoding: chunked", "Transfer-Encoding: identity", "Transfer-Encoding: gzip, chunked",
        "Transfer-Encoding: chunked, chunked", "Transfer-Encoding: identity, chunked", "Transfer-Encoding: ,chunked",
        "Transfer-Encoding: xchunked", "Transfer-Encoding:\tchunked", "transfer-encoding: CHUNKED", "Transfer-Encoding: chunked;a=b",
        "Transfer-Encoding: gzip", "Transfer_Encoding: chunked", "X_Forwarded_For: 6.6.6.6", "X-Forwarded-For: 10.0.0.1",
        "Content-Length: 0", "Content-Length: 01", "Content-Length: 1x", "Content-Length: -1", " folded", "NoColon", "Bad Name: x",
    ];
    // The clean pools make requests that are mostly valid, so the split and body checks run often.
    private static readonly string[] CleanMethods = ["GET", "POST", "HEAD", "PUT", "DELETE"];
    private static readonly string[] CleanTargets = ["/", "/a/b?x=1&y=2", "/%2F%41", "/?", "http://example.com/p?q", "HTTPS://h:8443", "http://h?q"];
    private static readonly string[] CleanVersions = ["HTTP/1.1", "HTTP/1.1", "HTTP/1.0"];
    private static readonly string[] CleanHeaders =
    [
        "Content-Type: text/plain", "X-A: 1", "X-A: 2", "Cookie: a=b; c=d", "Connection: close", "Connection: keep-alive",
        "Expect: 100-continue", "User-Agent: fuzz/1.0", "X-Forwarded-For: 10.0.0.1", "X_Forwarded_For: 6.6.6.6", "Accept: */*",
    ];
    private static readonly string[] CleanFraming = ["", "Content-Length: 0", "Transfer-Encoding: chunked", "transfer-encoding: CHUNKED",
        "Transfer-Encoding: ,\r\nTransfer-Encoding: chunked", "Transfer-Encoding: identity\r\nContent-Length: 0"];
    private static readonly byte[][] Dictionary = [.. new[]
    {
        "\r\n", "\r\n\r\n", "Transfer-Encoding: chunked\r\n", "Content-Length: 5\r\n", "Host: x\r\n", "HTTP/1.0", "chunked", ", ",
        "identity", "http://", "#", "_", "0\r\n\r\n",
    }.Select(Encoding.Latin1.GetBytes)];

    private readonly RequestVars _vars = new(), _again = new();

    public string Name => "http";
    public Dictionary<string, long> Counts { get; } = new() { ["done"] = 0, ["rejected"] = 0, ["incomplete"] = 0, ["splits"] = 0 };

    public byte[] Generate(ref Rng rng)
    {
        var request = GenerateRequest(ref rng);
        return rng.Chance(50) ? Mutator.Mutate(request, ref rng, Dictionary) : request;
    }

    private static byte[] GenerateRequest(ref Rng rng)
    {
        bool clean = rng.Chance(70);
        var sb = new StringBuilder();
        if (rng.Chance(5)) sb.Append("\r\n");
        string version = rng.Pick(clean ? CleanVersions : Versions);
        sb.Append(rng.Pick(clean ? CleanMethods : Methods)).Append(' ').Append(rng.Pick(clean ? CleanTargets : Targets)).Append(' ').Append(version).Append("\r\n");
        var lines = new List<string>();
        if (!clean || rng.Chance(80)) lines.Add("Host: h");
        int count = rng.Next(0, 6);
        for (int i = 0; i < count; i++) lines.Add(rng.Pick(clean ? CleanHeaders : Headers));
        if (clean && (version == "HTTP/1.1" || rng.Chance(10))) lines.Insert(rng.Next(lines.Count + 1), rng.Pick(CleanFraming));
        bool chunked = false;
        int length = -1;
        foreach (var line in lines.Where(l => l.Length > 0))
        {
            string h = line;
            if (h.EndsWith("Content-Length: 0")) { length = rng.Next(0, 30); h = h[..^1] + length; }
            chunked |= h.EndsWith("chunked", StringComparison.OrdinalIgnoreCase);
            sb.Append(h).Append("\r\n");
        }
        sb.Append("\r\n");
        var head = Encoding.Latin1.GetBytes(sb.ToString());
        byte[] body = chunked ? ChunkedTarget.Generate(ref rng, rng.Next(0, 3)) : new byte[Math.Max(0, length)];
        if (!chunked) Array.Fill(body, (byte)'b');
        return [.. head, .. body];
    }

    public string? Check(byte[] input)
    {
        // both underscore policies and a small buffer-size, picked from the input itself so that
        // --index and --replay reproduce a violation exactly
        uint hash = 2166136261;
        foreach (byte b in input) hash = (hash ^ b) * 16777619;
        bool keep = (hash & 1) == 1;
        int bufferSize = hash % 7 == 0 ? 64 : 4096;
        var r = Parse(input, bufferSize, keep, _vars, out var head);
        Counts[r.Status switch { ParseStatus.Done => "done", ParseStatus.Error => "rejected", _ => "incomplete" }]++;
        return r.Status switch
        {
            ParseStatus.Done => CheckDone(input, r, head, bufferSize, keep),
            ParseStatus.Error => CheckRejected(input, r, bufferSize, keep),
            _ => null,
        };
    }

    private static ParseResult Parse(ReadOnlySpan<byte> input, int bufferSize, bool keep, RequestVars vars, out HttpRequestHead head)
    {
        var server = new HttpServerVars { ServerName = "fuzz"u8, ServerPort = "80"u8, RemoteAddr = "127.0.0.1"u8, RemotePort = "1"u8 };
        return HttpRequestParser.Parse(input, bufferSize, 64, in server, vars, out head, keep);
    }
}
