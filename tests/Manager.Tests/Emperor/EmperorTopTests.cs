// `dotnetwsgi top` on an Emperor's stats document: the Emperor's own JSON (EmperorStatsJson) parsed
// by TopModel and rendered as the vassal table, running and throttled vassals alike.

using DotnetWsgi.Manager.Emperor;
using DotnetWsgi.Manager.Top;
using Spectre.Console;

namespace DotnetWsgi.Manager.Tests.Emperor;

public class EmperorTopTests
{
    private static readonly VassalSnapshot Running = new("a.ini", "/v/a.ini", 4242, VassalState.Running, 1, 1, 1, 1, Loyal: true,
        Respawns: 2, Reloads: 3, LastExitCode: null, ThrottleMs: 0, EarlyDeaths: 0, NextStart: 0);
    private static readonly VassalSnapshot Throttled = new("bad.ini", "/v/bad.ini", 0, VassalState.Throttled, 1, 1, 1, 1, Loyal: false,
        Respawns: 4, Reloads: 0, LastExitCode: 22, ThrottleMs: 8000, EarlyDeaths: 5, NextStart: 9);

    [Fact]
    public void TopModel_ReadsTheEmperorsVassals_AndItsBlacklist()
    {
        var model = TopModel.Parse(EmperorStatsJson.Render(["/v"], 1000, [Running, Throttled], "1.2.3"), DateTimeOffset.UtcNow);
        Assert.Equal(Environment.ProcessId, model.Pid);
        Assert.Equal([new TopVassal("a.ini", 4242, "running", 2, 3, true, 0), new TopVassal("bad.ini", 0, "throttled", 5, 0, false, 8000)],
            model.Vassals!);
    }

    [Fact]
    public void TopView_ShowsOneRowPerVassal()
    {
        var model = TopModel.Parse(EmperorStatsJson.Render(["/v"], 1000, [Running, Throttled], "1.2.3"), DateTimeOffset.UtcNow);
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 160;
        console.Write(TopView.Render("127.0.0.1:9290", model, null, DateTimeOffset.UtcNow));
        string screen = text.ToString();
        Assert.Matches(@"a\.ini\s+4242\s+running\s+2\s+3\s+yes\s+-", screen);
        Assert.Matches(@"bad\.ini\s+-\s+throttled\s+5\s+0\s+no\s+8000 ms", screen);
        Assert.Contains("2 vassals, 1 running", screen);
    }
}
