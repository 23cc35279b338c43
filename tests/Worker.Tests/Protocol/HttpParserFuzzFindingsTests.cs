// Inputs the fuzz tool (tools/Fuzz, `./build.sh fuzz`) found to break an HTTP parser invariant, kept
// as regression tests.

using System.Text;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Protocol;

namespace DotnetWsgi.Worker.Tests.Protocol;

public sealed class HttpParserFuzzFindingsTests
{
    private static ParseResult Parse(string text, int bufferSize)
    {
        var server = new HttpServerVars { ServerName = "vm"u8, ServerPort = "80"u8, RemoteAddr = "127.0.0.1"u8, RemotePort = "5"u8 };
        return HttpRequestParser.Parse(Encoding.Latin1.GetBytes(text), bufferSize, 64, in server, new RequestVars(), out _);
    }

    [Fact] // seed 1, index 1557: leading empty lines counted against buffer-size only while the head was partial
    public void AHeadAfterEmptyLines_GetsTheSameAnswer_WholeOrInPieces()
    {
        string request = "\r\n" + "PUT /? HTTP/1.1\r\nHost: h\r\nX-A: " + new string('a', 28) + "\r\n\r\n"; // 2 + 63 bytes
        const int bufferSize = 64;

        var whole = Parse(request, bufferSize);
        var pieces = Enumerable.Range(0, request.Length).Select(k => Parse(request[..k], bufferSize)).ToList();

        Assert.Equal((ParseStatus.Error, 431), (whole.Status, whole.ErrorStatus));
        Assert.All(pieces, p => Assert.NotEqual(ParseStatus.Done, p.Status));
        Assert.Equal(ParseStatus.Done, Parse(request.TrimStart('\r', '\n'), bufferSize).Status);
    }
}
