// Starting, signalling and restarting the Emperor's vassals.

using System.Diagnostics;
using System.Security.Cryptography;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Emperor;

/// <summary>What the Emperor compares between scans: the file's mtime and content hash.</summary>
internal readonly record struct VassalStamp(DateTime Mtime, string Hash)
{
    public static VassalStamp? Of(string file)
    {
        try { return new VassalStamp(File.GetLastWriteTimeUtc(file), Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)))); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}

internal sealed class Vassal(string file, VassalStamp stamp)
{
    public string File { get; } = file;
    public VassalStamp Stamp { get; set; } = stamp;
    public Process? Process { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public int QuickDeaths { get; set; }
    public DateTimeOffset? RestartAt { get; set; }
    public bool Removed { get; set; }
}

public sealed partial class Emperor
{
    private void Start(Vassal v)
    {
        v.RestartAt = null;
        var info = new ProcessStartInfo(self.FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(v.File)!,
        };
        foreach (var a in self.Arguments) info.ArgumentList.Add(a);
        info.ArgumentList.Add("--ini");
        info.ArgumentList.Add(v.File);
        var p = new Process { StartInfo = info, EnableRaisingEvents = true };
        string name = Path.GetFileName(v.File);
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Information("[{Vassal}] {Line:l}", name, e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Information("[{Vassal}] {Line:l}", name, e.Data); };
        p.Exited += (_, _) => _commands.Writer.TryWrite((Master.MasterCommand.Stats, "vassal exit")); // wakes the loop
        try { p.Start(); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            log.Error("[emperor] cannot start vassal {File}: {Reason}", v.File, e.Message);
            return;
        }
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        v.Process = p;
        v.StartedAt = DateTimeOffset.UtcNow;
        log.Information("[emperor] vassal {File} started (pid: {Pid})", v.File, p.Id);
    }

    private void Signal(Vassal v, int signal)
    {
        if (v.Process is { HasExited: false } p) Libc.Kill(p.Id, signal);
    }

    /// <summary>Reaps exited vassals: removed ones are forgotten, others restart after the throttle.</summary>
    private void RestartDue()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var v in _vassals.Values.ToList())
        {
            if (v.Process is { HasExited: true } p)
            {
                int code = p.ExitCode, pid = p.Id;
                p.Dispose();
                v.Process = null;
                if (v.Removed || _stopping)
                {
                    log.Information("[emperor] vassal {File} (pid: {Pid}) is gone (exit {Code})", v.File, pid, code);
                    if (v.Removed) _vassals.Remove(v.File);
                    continue;
                }
                bool quick = now - v.StartedAt < StableAfter;
                v.QuickDeaths = quick ? v.QuickDeaths + 1 : 0;
                double ms = Math.Min(options.EmperorMaxThrottle, options.EmperorThrottle * Math.Pow(2, Math.Max(0, v.QuickDeaths - 1)));
                v.RestartAt = now + TimeSpan.FromMilliseconds(quick ? ms : 0);
                log.Warning("[emperor] vassal {File} (pid: {Pid}) died (exit {Code}): restarting in {Ms} ms", v.File, pid, code, quick ? ms : 0);
            }
            if (!_stopping && !v.Removed && v.Process is null && v.RestartAt is DateTimeOffset at && now >= at) Start(v);
        }
    }
}
