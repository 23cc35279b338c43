using DotnetWsgi.Worker.Serving;

namespace DotnetWsgi.Worker.Tests.Serving;

/// <summary>Which CPUs `cpu-affinity = N` gives worker i: uWSGI's mapping, over the CPUs the instance may use.</summary>
public sealed class CpuAffinityMappingTests
{
    [Theory]
    [InlineData(1, 1, new[] { 0 })]
    [InlineData(2, 1, new[] { 1 })]
    [InlineData(3, 1, new[] { 0 })] // wraps round: more workers than CPUs
    [InlineData(1, 2, new[] { 0, 1 })]
    [InlineData(2, 2, new[] { 0, 1 })] // (2-1)×2 = 2 wraps to the first CPU
    [InlineData(1, 5, new[] { 0, 1 })] // never more than the CPUs there are
    public void OnTwoCpus(int worker, int perWorker, int[] expected)
        => Assert.Equal(expected, CpuAffinity.CpusFor(worker, perWorker, [0, 1]));

    [Fact]
    public void ARestrictedSet_IsMappedOverItself_NotOverCpuZeroUp()
    {
        int[] allowed = [2, 3, 6];

        Assert.Equal([2], CpuAffinity.CpusFor(1, 1, allowed));
        Assert.Equal([6], CpuAffinity.CpusFor(3, 1, allowed));
        Assert.Equal([2, 6], CpuAffinity.CpusFor(2, 2, allowed)); // from the third (6), wrapping to the first (2)
    }

    [Fact]
    public void Zero_IsNotPinned() => Assert.Empty(CpuAffinity.CpusFor(1, 0, [0, 1]));
}
