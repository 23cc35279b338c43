// The Emperor's options through the real configuration loader: an Emperor needs no socket or app,
// refuses them (they belong in vassal files), and carries its vassal templates in order.

using DotnetWsgi.Config;
using DotnetWsgi.Config.Options;
using EmperorLoop = DotnetWsgi.Manager.Emperor.Emperor;

namespace DotnetWsgi.Manager.Tests.Emperor;

public class EmperorConfigTests
{
    private static ConfigResult Load(params string[] args) => ConfigLoader.Load(args, new Dictionary<string, string>(), "/tmp");

    [Fact]
    public void AnEmperor_NeedsNoSocketNorApp()
    {
        var config = Load("--emperor", "/etc/vassals", "--emperor", "/srv/*.ini", "--emperor-throttle", "200");
        Assert.True(config.Succeeded, string.Join("\n", config.Diagnostics));
        Assert.Equal(["/etc/vassals", "/srv/*.ini"], config.Options!.Emperor);
        Assert.Equal(200, config.Options.EmperorThrottle);
        Assert.Equal(180_000, config.Options.EmperorMaxThrottle);
    }

    [Fact]
    public void AnEmperorWithASocket_IsAnErrorNamingIt()
    {
        var config = Load("--emperor", "/etc/vassals", "--http-socket", "127.0.0.1:9000");
        Assert.False(config.Succeeded);
        Assert.Contains(config.Diagnostics, d => d.Message.Contains("'http-socket = 127.0.0.1:9000' cannot be used with 'emperor'"));
    }

    [Fact]
    public void AMaxThrottleBelowTheThrottle_IsAnError()
    {
        var config = Load("--emperor", "/etc/vassals", "--emperor-throttle", "5000", "--emperor-max-throttle", "1000");
        Assert.Contains(config.Diagnostics, d => d.Message.Contains("emperor-max-throttle (1000) must not be lower than emperor-throttle (5000)"));
    }

    [Fact]
    public void VassalTemplates_WrapTheVassalFile_BeforeOnesFirst()
    {
        var options = Load("--emperor", "/v", "--vassals-include", "/t/after.ini", "--vassals-inherit", "/t/inherit.ini",
            "--vassals-include-before", "/t/before.ini", "--vassal-set", "processes=2").Options!;
        Assert.Equal(["--ini", "/t/before.ini", "--ini", "/v/a.ini", "--ini", "/t/after.ini", "--ini", "/t/inherit.ini", "--set", "processes=2"],
            EmperorLoop.VassalArguments(options, "/v/a.ini"));
    }

    [Fact]
    public void TyrantMode_IsRejectedWithAReason()
    {
        var config = Load("--emperor", "/v", "--emperor-tyrant");
        Assert.Contains(config.Diagnostics, d => d.Message.Contains("'emperor-tyrant' is not supported by dotnetwsgi: Tyrant mode is not provided"));
    }
}
