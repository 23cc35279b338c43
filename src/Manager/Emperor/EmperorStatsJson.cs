// Overview
// The Emperor's stats document (`emperor-stats`), in the shape of uWSGI's Emperor stats: the
// Emperor's pid and patterns, then `vassals` (id = file name, pid, born, last_mod, loyal, first_run,
// last_run, monitor, respawns) and a `blacklist` of vassals waiting out a throttle (id, attempt,
// throttle_level, ...). Fields dotnetwsgi adds: config_file, status (running / throttled / stopping),
// reloads, last_exit_code. Written with Utf8JsonWriter: no reflection in the NativeAOT binary.

using System.Text;
using System.Text.Json;

namespace DotnetWsgi.Manager.Emperor;

public static class EmperorStatsJson
{
    public static string Render(IReadOnlyList<string> patterns, int throttleMs, IReadOnlyList<VassalSnapshot> vassals, string version)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("version", version);
            w.WriteNumber("pid", Environment.ProcessId);
            w.WriteString("cwd", Environment.CurrentDirectory);
            w.WriteStartArray("emperor");
            foreach (string p in patterns) w.WriteStringValue(p);
            w.WriteEndArray();
            w.WriteNumber("emperor_tyrant", 0);
            w.WriteNumber("throttle_level", throttleMs);
            w.WriteStartArray("vassals");
            foreach (var v in vassals.Where(v => v.State != VassalState.Throttled)) Vassal(w, v, patterns);
            w.WriteEndArray();
            w.WriteStartArray("blacklist");
            foreach (var v in vassals.Where(v => v.State == VassalState.Throttled)) Blacklisted(w, v);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Vassal(Utf8JsonWriter w, VassalSnapshot v, IReadOnlyList<string> patterns)
    {
        w.WriteStartObject();
        w.WriteString("id", v.Id);
        w.WriteNumber("pid", v.Pid);
        w.WriteNumber("born", v.Born);
        w.WriteNumber("last_mod", v.LastMod);
        w.WriteNumber("loyal", v.Loyal ? 1 : 0);
        w.WriteNumber("first_run", v.FirstRun);
        w.WriteNumber("last_run", v.LastRun);
        w.WriteString("monitor", Monitor(v, patterns));
        w.WriteNumber("respawns", v.Respawns);
        w.WriteString("config_file", v.ConfigFile);
        w.WriteString("status", v.State.ToString().ToLowerInvariant());
        w.WriteNumber("reloads", v.Reloads);
        if (v.LastExitCode is int code) w.WriteNumber("last_exit_code", code);
        else w.WriteNull("last_exit_code");
        w.WriteEndObject();
    }

    private static void Blacklisted(Utf8JsonWriter w, VassalSnapshot v)
    {
        w.WriteStartObject();
        w.WriteString("id", v.Id);
        w.WriteNumber("reason", v.LastExitCode ?? -1);
        w.WriteNumber("first_attempt", v.FirstRun);
        w.WriteNumber("last_attempt", v.LastRun);
        w.WriteNumber("throttle_level", v.ThrottleMs);
        w.WriteNumber("attempt", v.EarlyDeaths);
        w.WriteNumber("unix_check", v.NextStart);
        w.WriteString("config_file", v.ConfigFile);
        w.WriteString("status", "throttled");
        w.WriteEndObject();
    }

    private static string Monitor(VassalSnapshot v, IReadOnlyList<string> patterns)
        => patterns.FirstOrDefault(p => VassalScan.Matches(p).Any(f => Path.GetFullPath(f) == v.ConfigFile)) ?? "";
}
