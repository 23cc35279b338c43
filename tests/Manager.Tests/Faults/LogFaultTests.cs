// logto under faults: logrotate's copytruncate (the file must go on from its start, no NUL bytes),
// and a full device (said once on stderr, counted in stats and /metrics, serving goes on).

using System.Text.RegularExpressions;
using DotnetWsgi.Manager.Tests.Integration;

namespace DotnetWsgi.Manager.Tests.Faults;

[Collection("real processes")]
public class LogFaultTests
{
    [BinaryFact]
    public void Logto_AfterCopytruncate_GoesOnAtTheStartOfTheFile_WithoutNulBytes()
    {
        using var dn = FaultInstance.Start(Repo.FreePort(), "logto = app.log");
        dn.WaitServing();
        string log = Path.Combine(dn.Dir, "app.log");
        for (int i = 0; i < 5; i++) dn.Get("/pid");
        Wait.Until(() => File.ReadAllText(log).Contains("GET /pid"), "request lines in the log");

        File.Copy(log, log + ".1"); // what logrotate's copytruncate does: copy, then truncate in place
        using (var f = new FileStream(log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) f.SetLength(0);
        Wait.Until(() => { dn.Get("/version"); return File.ReadAllText(log).Contains("GET /version"); }, "a request line after the truncation");

        byte[] after = File.ReadAllBytes(log);
        Assert.True(Array.IndexOf(after, (byte)0) < 0, $"{Array.FindAll(after, b => b == 0).Length} NUL bytes in the truncated log");
    }

    [BinaryFact]
    public void Logto_OnAFullDevice_IsSaidOnce_CountedInStatsAndMetrics_AndServingGoesOn()
    {
        int stats = Repo.FreePort(), admin = Repo.FreePort();
        using var dn = FaultInstance.Start(Repo.FreePort(), "logto = /dev/full", $"stats = 127.0.0.1:{stats}", $"admin-http = 127.0.0.1:{admin}");
        dn.WaitServing();
        for (int i = 0; i < 20; i++) Assert.Matches("^[0-9]+$", dn.Get("/pid")); // every request line is lost: serving is not

        long Dropped() => Regex.Match(FaultInstance.Stats(stats), "\"log_dropped\":\\s*(\\d+)") is { Success: true } m ? long.Parse(m.Groups[1].Value) : 0;
        Wait.Until(() => Dropped() >= 20, "the dropped request lines in stats");
        Assert.Matches(@"(?m)^dotnetwsgi_log_dropped_total [1-9][0-9]+$", FaultInstance.Metrics(admin));
        dn.WaitLogged("cannot write to the log file /dev/full");
        Assert.Single(dn.Output, l => l.Contains("cannot write to the log file /dev/full: "));
        Assert.Matches("^[0-9]+$", dn.Get("/pid"));
    }
}
