// A short run of the fuzz tool (tools/Fuzz) on every CI test run: 20,000 inputs per target from the
// fixed seed, every invariant checked. The long run is `./build.sh fuzz` (1,000,000 per target).

using DotnetWsgi.Fuzz;

namespace DotnetWsgi.Worker.Tests.Protocol;

public sealed class FuzzSmokeTests
{
    private const int Inputs = 20_000;

    [Theory]
    [InlineData("http")]
    [InlineData("chunked")]
    [InlineData("uwsgi")]
    [InlineData("ini")]
    public void ShortFuzzRun_FindsNoInvariantViolation(string name)
    {
        var log = new StringWriter();
        var target = Runner.AllTargets().Single(t => t.Name == name);

        var report = Runner.Run([target], seed: 1, first: 0, count: Inputs, log).Single();

        Assert.True(report.Violations.Count == 0, log.ToString());
        Assert.Equal(Inputs, report.Inputs);
        Assert.True(report.Counts.Values.First() > 0, $"no input reached the parser's main outcome: {Runner.Format(report)}");
    }

    [Fact]
    public void AViolation_IsReported_WithTheSeedIndexAndInput()
    {
        var log = new StringWriter();

        var report = Runner.Run([new ThrowingTarget()], seed: 7, first: 3, count: 2, log).Single();

        Assert.Equal(2, report.Violations.Count);
        Assert.Contains("exception FormatException: boom", log.ToString());
        Assert.Contains("--target http --seed 7 --index 3", log.ToString());
        Assert.Contains("input (2 bytes, hex): 0D0A", log.ToString());
    }

    /// <summary>A target whose parser throws: stands in for a broken parser.</summary>
    private sealed class ThrowingTarget : IFuzzTarget
    {
        public string Name => "http";
        public Dictionary<string, long> Counts { get; } = [];
        public byte[] Generate(ref Rng rng) => "\r\n"u8.ToArray();
        public string? Check(byte[] input) => throw new FormatException("boom");
    }
}
