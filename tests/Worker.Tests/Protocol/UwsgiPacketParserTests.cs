using System.Text;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Protocol;

namespace DotnetWsgi.Worker.Tests.Protocol;

public sealed class UwsgiPacketParserTests
{
    private static byte[] NginxLikePacket() => new UwsgiPacketBuilder()
        .Var("QUERY_STRING", "a=1&b=2").Var("REQUEST_METHOD", "POST").Var("CONTENT_LENGTH", "10")
        .Var("REQUEST_URI", "/x%20y?a=1&b=2").Var("PATH_INFO", "/x y").Var("EMPTY", "")
        .Var("SERVER_PROTOCOL", "HTTP/1.1").Body("hello body").Build();

    [Fact]
    public void Parse_ReadsVarsInOrder_AndStopsBeforeTheBody()
    {
        var packet = NginxLikePacket();
        var vars = new RequestVars();

        var r = UwsgiPacketParser.Parse(packet, 4096, 64, vars);

        Assert.Equal(ParseStatus.Done, r.Status);
        Assert.Equal(packet.Length - 10, r.Consumed);
        Assert.Equal(7, vars.Count);
        Assert.Equal("QUERY_STRING", Encoding.ASCII.GetString(vars.Key(0)));
        Assert.Equal("/x y", vars.GetString("PATH_INFO"));
        Assert.Equal("", vars.GetString("EMPTY"));
        Assert.Equal("hello body", Encoding.ASCII.GetString(packet.AsSpan(r.Consumed)));
    }

    [Fact]
    public void Parse_NeedsMore_ForEveryTruncatedPrefix()
    {
        var packet = NginxLikePacket();
        int headerAndVars = packet.Length - 10;
        for (int n = 0; n < headerAndVars; n++)
        {
            var r = UwsgiPacketParser.Parse(packet.AsSpan(0, n), 4096, 64, new RequestVars());
            Assert.True(r.Status == ParseStatus.NeedMore, $"prefix of {n} bytes gave {r.Status} {r.Reason}");
        }
    }

    [Fact]
    public void Parse_Answers431_WhenDatasizeExceedsBufferSize()
    {
        var packet = NginxLikePacket();

        var r = UwsgiPacketParser.Parse(packet.AsSpan(0, 4), 20, 64, new RequestVars());

        Assert.Equal((ParseStatus.Error, 431), (r.Status, r.ErrorStatus));
        Assert.Contains("max 20", r.Reason);
    }

    [Fact]
    public void Parse_Answers400_WhenModifier1IsNotWsgi()
    {
        var packet = new UwsgiPacketBuilder { Modifier1 = 5 }.Var("A", "b").Build();

        var r = UwsgiPacketParser.Parse(packet, 4096, 64, new RequestVars());

        Assert.Equal((ParseStatus.Error, 400), (r.Status, r.ErrorStatus));
        Assert.Contains("modifier", r.Reason);
    }

    [Fact]
    public void Parse_Answers400_WhenAKeyIsEmpty()
    {
        var packet = new UwsgiPacketBuilder().Var("", "v").Build();

        var r = UwsgiPacketParser.Parse(packet, 4096, 64, new RequestVars());

        Assert.Equal((ParseStatus.Error, 400), (r.Status, r.ErrorStatus));
        Assert.Contains("null", r.Reason);
    }

    [Theory]
    [InlineData(new byte[] { 0, 1, 0, 0, 5 })]                       // key length cut in half
    [InlineData(new byte[] { 0, 3, 0, 0, 5, 0, (byte)'A' })]          // key longer than the block
    [InlineData(new byte[] { 0, 5, 0, 0, 1, 0, (byte)'A', 9, 0 })]    // value longer than the block
    [InlineData(new byte[] { 0, 4, 0, 0, 1, 0, (byte)'A', 0 })]       // value length cut in half
    public void Parse_Answers400_WhenAVarRunsPastTheBlock(byte[] packet)
    {
        var r = UwsgiPacketParser.Parse(packet, 4096, 64, new RequestVars());

        Assert.Equal((ParseStatus.Error, 400), (r.Status, r.ErrorStatus));
        Assert.Contains("invalid uwsgi request", r.Reason);
    }

    [Fact]
    public void Parse_Answers400_WhenVarsExceedMaxVars()
    {
        var b = new UwsgiPacketBuilder();
        for (int i = 0; i < 5; i++) b.Var($"K{i}", "v");

        var r = UwsgiPacketParser.Parse(b.Build(), 4096, 2, new RequestVars());

        Assert.Equal((ParseStatus.Error, 400), (r.Status, r.ErrorStatus));
    }

    [Fact]
    public void Parse_KeepsMagicVarsAsPlainVars_WithoutActingOnThem()
    {
        var packet = new UwsgiPacketBuilder().Var("UWSGI_FILE", "/tmp/evil.py").Build();
        var vars = new RequestVars();

        var r = UwsgiPacketParser.Parse(packet, 4096, 64, vars);

        Assert.Equal(ParseStatus.Done, r.Status);
        Assert.Equal("/tmp/evil.py", vars.GetString("UWSGI_FILE"));
    }

    [Fact]
    public void Parse_NeverThrows_OnRandomGarbage()
    {
        var rng = new Random(1234);
        for (int i = 0; i < 2000; i++)
        {
            var junk = new byte[rng.Next(0, 64)];
            rng.NextBytes(junk);
            if (junk.Length > 0 && rng.Next(2) == 0) junk[0] = 0;
            var r = UwsgiPacketParser.Parse(junk, 4096, 64, new RequestVars());
            Assert.True(r.Status != ParseStatus.Error || r.ErrorStatus is 400 or 431);
        }
    }
}
