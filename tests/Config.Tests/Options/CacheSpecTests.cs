using DotnetWsgi.Config.Options;
using DotnetWsgi.Config.Tests.Support;

namespace DotnetWsgi.Config.Tests.Options;

public sealed class CacheSpecTests : IDisposable
{
    private readonly TestConfig _config = new();

    public void Dispose() => _config.Dispose();

    [Fact]
    public void Cache2_AndTheOldCache_BecomeSpecs_WithUwsgisDefaults()
    {
        var options = _config.Options(TestConfig.App + "cache = 10\ncache-blocksize = 512\ncache2 = name=s,items=100,blocksize=64,keysize=32,purge_lru=1\ncache2 = name=t,items=5\n");
        var specs = CacheSpec.All(options, out string? error);
        Assert.Null(error);
        Assert.Equal(
            [new("default", 10, 512, 2048, false), new("s", 100, 64, 32, true), new("t", 5, 65536, 2048, false)],
            specs);
    }

    [Theory]
    [InlineData("items=10", "'name' is required")]
    [InlineData("name=x", "'items' must be a whole number of at least 2")]
    [InlineData("name=x,items=10,colour=red", "unknown key 'colour'")]
    [InlineData("name=x,items=10,blocksize=big", "'blocksize' must be a whole number of bytes")]
    public void BadCache2_IsAConfigError_NamingTheProblem(string spec, string message)
    {
        var result = _config.LoadApp($"cache2 = {spec}\n");
        Assert.False(result.Succeeded);
        Assert.Contains(message, TestConfig.Lines(result));
    }

    [Fact]
    public void TwoCachesWithOneName_AreAnError()
    {
        Assert.Contains("a cache named 'x' is already defined", TestConfig.Lines(_config.LoadApp("cache2 = name=x,items=4\ncache2 = name=x,items=8\n")));
    }
}
