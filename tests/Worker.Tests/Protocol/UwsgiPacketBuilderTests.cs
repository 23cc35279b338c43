namespace DotnetWsgi.Worker.Tests.Protocol;

public sealed class UwsgiPacketBuilderTests
{
    [Fact]
    public void Build_MatchesHandAssembledPacket_ForOneVarAndBody()
    {
        var packet = new UwsgiPacketBuilder().Var("AB", "xyz").Body("hi").Build();

        byte[] expected = [0, 9, 0, 0, 2, 0, (byte)'A', (byte)'B', 3, 0, (byte)'x', (byte)'y', (byte)'z', (byte)'h', (byte)'i'];
        Assert.Equal(expected, packet);
    }

    [Fact]
    public void Build_WritesModifier1AndEmptyValue_WhenSet()
    {
        var packet = new UwsgiPacketBuilder { Modifier1 = 5 }.Var("K", "").Build();

        Assert.Equal(new byte[] { 5, 5, 0, 0, 1, 0, (byte)'K', 0, 0 }, packet);
    }
}
