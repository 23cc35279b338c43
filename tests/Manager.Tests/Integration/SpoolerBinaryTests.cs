// The spooler through the published binary, with Debian's uwsgidecorators: @spoolforever runs its
// job at every scan and keeps the file, @spoolraw's return value is the spool status,
// `spooler-processes = 2` runs each job once, and the stats server lists each spooler process as
// uWSGI 2.0.21 does. Every effect is a file the job writes.

using System.Text.Json;
using DotnetWsgi.Manager.Tests.Support;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Integration;

[Collection("real processes")]
public class SpoolerBinaryTests
{
    [BinaryFact]
    public void SpoolForever_RunsTheJobAgainAtEveryScan_AndKeepsItsFile()
    {
        using var dn = new PythonApiInstance().WaitServing();
        dn.Get("/spool-forever?f1");
        Wait.Until(() => Lines(dn, "forever-f1").Length >= 3, "three runs of the forever job", TimeSpan.FromSeconds(60));
        Assert.Single(Directory.GetFiles(dn.SpoolDir, "uwsgi_spoolfile_on_*"));
    }

    [BinaryFact]
    public void SpoolRaw_TheFunctionsReturnValueIsTheStatus_RetryTwiceThenDone()
    {
        using var dn = new PythonApiInstance().WaitServing();
        dn.Get("/spool-raw?r1");
        Wait.Until(() => Lines(dn, "raw-r1").Length >= 3 && Directory.GetFiles(dn.SpoolDir, "uwsgi_spoolfile_on_*").Length == 0,
            "the raw job to run three times and its file to be removed", TimeSpan.FromSeconds(60));
        Assert.Equal(3, Lines(dn, "raw-r1").Length);
    }

    [BinaryFact]
    public void TwoSpoolerProcesses_ShareTheDirectory_EachJobRunsOnce_AndStatsListsBoth()
    {
        int statsPort = Repo.FreePort();
        using var dn = new PythonApiInstance("spooler-processes = 2", $"stats = 127.0.0.1:{statsPort}").WaitServing();
        Wait.Until(() => dn.SpoolerPids().Count == 2, "two spooler processes");
        dn.Get("/spool-many?12");
        Wait.Until(() => Enumerable.Range(0, 12).All(i => File.Exists(dn.OutFile($"once-{i}")))
            && Directory.GetFiles(dn.SpoolDir, "uwsgi_spoolfile_on_*").Length == 0, "the twelve jobs");
        var spoolerPids = dn.SpoolerPids();
        for (int i = 0; i < 12; i++)
        {
            var runs = Lines(dn, $"once-{i}");
            Assert.Single(runs);
            Assert.Contains(int.Parse(runs[0]), spoolerPids);
        }

        JsonElement spoolers = default;
        Wait.Until(() =>
        {
            spoolers = StatsReader.Read(statsPort).GetProperty("spoolers");
            return spoolers.EnumerateArray().Sum(s => s.GetProperty("tasks").GetInt64()) == 12;
        }, "the stats to count the twelve tasks");
        Assert.Equal(2, spoolers.GetArrayLength());
        Assert.All(spoolers.EnumerateArray(), s =>
        {
            Assert.Equal(dn.SpoolDir, s.GetProperty("dir").GetString());
            Assert.Contains(s.GetProperty("pid").GetInt32(), spoolerPids);
            Assert.Equal(0, s.GetProperty("respawns").GetInt32());
            Assert.Equal(0, s.GetProperty("running").GetInt32());
        });
        Assert.NotEqual(spoolers[0].GetProperty("pid").GetInt32(), spoolers[1].GetProperty("pid").GetInt32());

        // A killed spooler is restarted and counted in `respawns`, as uWSGI does.
        int killed = spoolerPids.First();
        Libc.Kill(killed, Signals.SIGKILL);
        Wait.Until(() => dn.SpoolerPids() is { Count: 2 } now && !now.Contains(killed), "the killed spooler restarted");
        int replacement = dn.SpoolerPids().Except(spoolerPids).Single();
        Wait.Until(() => StatsReader.Read(statsPort).GetProperty("spoolers").EnumerateArray()
            .Any(s => s.GetProperty("pid").GetInt32() == replacement && s.GetProperty("respawns").GetInt32() == 1), "the stats to show the respawn");
    }

    private static string[] Lines(PythonApiInstance dn, string name)
        => File.Exists(dn.OutFile(name)) ? File.ReadAllLines(dn.OutFile(name)).Where(l => l.Length > 0).ToArray() : [];
}
