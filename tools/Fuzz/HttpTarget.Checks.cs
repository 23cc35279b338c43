// Invariants of the HTTP head parser, checked on every input:
//   - an Error is 400, 431 or 501 with a reason and consumes nothing; Done consumes 1..input length;
//   - a rejected input never yields a request: with a valid request appended it is still rejected;
//   - the parse of a valid head survives being split at every byte boundary: each shorter prefix
//     (what the serving layer holds while the head arrives) gives NeedMore, never Done or Error;
//   - nothing past the head is read: the head alone, and the head with a request pipelined after it,
//     parse to the same vars and framing; a chunked body decodes the same split at any boundary;
//   - what reaches the app obeys the rules, checked against the raw head lines (an independent reading):
//     no two Host lines, no Transfer-Encoding on HTTP/1.0, no chunked with Content-Length or on 1.0,
//     no var fed by a header name with '_' unless allowed, PATH_INFO rooted, no '#' in the URI vars,
//     an absolute-form authority as HTTP_HOST, and no var name twice.

using System.Text;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Protocol;

namespace DotnetWsgi.Fuzz;

public sealed partial class HttpTarget
{
    private static readonly byte[] Pipelined = "GET /next HTTP/1.1\r\nHost: n\r\n\r\n"u8.ToArray();

    private string? CheckDone(byte[] input, ParseResult r, HttpRequestHead head, int bufferSize, bool keep)
    {
        if (r.Consumed <= 0 || r.Consumed > input.Length) return $"Done consumed {r.Consumed} of {input.Length} bytes";
        var vars = Snapshot(_vars);
        if (CheckRules(input.AsSpan(0, r.Consumed), vars, head, keep) is { } rule) return rule;
        foreach (var variant in new[] { input[..r.Consumed], [.. input[..r.Consumed], .. Pipelined] })
        {
            var again = Parse(variant, bufferSize, keep, _again, out var head2);
            if (again != r || !SameHead(head, head2) || !vars.SequenceEqual(Snapshot(_again)))
                return $"parse changed with {variant.Length - r.Consumed} bytes after the head: {again.Status} {again.Reason}";
        }
        for (int k = 0; k < r.Consumed; k++)
        {
            var prefix = Parse(input.AsSpan(0, k), bufferSize, keep, _again, out _);
            if (prefix.Status != ParseStatus.NeedMore) return $"prefix of {k} bytes gave {prefix.Status} {prefix.ErrorStatus} {prefix.Reason}";
            Counts["splits"]++;
        }
        if (head.Framing != BodyFraming.Chunked) return null;
        var body = input[r.Consumed..];
        var whole = ChunkedTarget.Decode(body, body.Length, out string? violation);
        return violation is not null ? $"body: {violation}" : ChunkedTarget.CheckSplits(body, whole, Counts) is { } s ? $"body: {s}" : null;
    }

    private string? CheckRejected(byte[] input, ParseResult r, int bufferSize, bool keep)
    {
        if (r.ErrorStatus is not (400 or 431 or 501) || string.IsNullOrEmpty(r.Reason) || r.Consumed != 0)
            return $"bad Error result {r}";
        var extended = Parse([.. input, .. Pipelined], bufferSize, keep, _again, out _);
        return extended.Status == ParseStatus.Error ? null : $"rejected input gave {extended.Status} once a request was appended";
    }

    private static bool SameHead(in HttpRequestHead a, in HttpRequestHead b)
        => (a.Http11, a.IsHead, a.KeepAlive, a.Expect100, a.Framing, a.ContentLength) == (b.Http11, b.IsHead, b.KeepAlive, b.Expect100, b.Framing, b.ContentLength);

    private static List<(string Key, string Value)> Snapshot(RequestVars vars)
        => [.. Enumerable.Range(0, vars.Count).Select(i => (Encoding.Latin1.GetString(vars.Key(i)), Encoding.Latin1.GetString(vars.Value(i))))];

    private static string? CheckRules(ReadOnlySpan<byte> headBytes, List<(string Key, string Value)> vars, in HttpRequestHead head, bool keep)
    {
        var lines = Encoding.Latin1.GetString(headBytes).TrimStart('\r', '\n').Split("\r\n");
        string[] requestLine = lines[0].Split(' ');
        var fields = lines.Skip(1).Where(l => l.Length > 0).Select(l => (Name: l[..l.IndexOf(':')], Value: l[(l.IndexOf(':') + 1)..].Trim(' ', '\t'))).ToList();
        var get = vars.ToDictionary(v => v.Key, v => v.Value);
        if (get.Count != vars.Count) return "a var name appears twice";
        int hosts = fields.Count(f => f.Name.Equals("Host", StringComparison.OrdinalIgnoreCase));
        int te = fields.Count(f => f.Name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase));
        int cl = fields.Count(f => f.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase));
        if (hosts > 1) return "two Host lines accepted";
        if (te > 0 && requestLine[2] == "HTTP/1.0") return "Transfer-Encoding accepted on HTTP/1.0";
        if (head.Framing == BodyFraming.Chunked && (cl > 0 || !head.Http11 || te == 0)) return "chunked framing with Content-Length, on 1.0 or without Transfer-Encoding";
        if (!get["PATH_INFO"].StartsWith('/') && get["PATH_INFO"] != "*") return $"PATH_INFO '{get["PATH_INFO"]}' not rooted";
        if (get["REQUEST_URI"].Contains('#') || get["QUERY_STRING"].Contains('#')) return "fragment reached the URI vars";
        if (requestLine[1].StartsWith("http", StringComparison.OrdinalIgnoreCase) && !requestLine[1].StartsWith('/'))
        {
            string authority = requestLine[1][(requestLine[1].IndexOf("://") + 3)..].Split('/', '?')[0];
            if (get.GetValueOrDefault("HTTP_HOST") != authority) return $"absolute-form authority '{authority}' is not HTTP_HOST";
        }
        return keep ? null : CheckUnderscores(fields, get);
    }

    private static string? CheckUnderscores(List<(string Name, string Value)> fields, Dictionary<string, string> vars)
    {
        static string VarName(string n) => "HTTP_" + n.ToUpperInvariant().Replace('-', '_');
        var fromDashed = fields.Where(f => !f.Name.Contains('_')).Select(f => VarName(f.Name)).ToHashSet();
        foreach (var f in fields.Where(f => f.Name.Contains('_')))
            if (!fromDashed.Contains(VarName(f.Name)) && vars.ContainsKey(VarName(f.Name))) return $"header '{f.Name}' with '_' reached the app";
        return null;
    }
}
