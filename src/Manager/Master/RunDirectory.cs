// Overview
// The master's run directory: a private temp dir (dotnetwsgi-PID-XXXXXX) for what its children open
// by path (the scoreboard, each generation's options file, the libpython record). The master removes
// it when it stops, but a master killed with SIGKILL (or by the OOM killer) cannot, and every such
// kill used to leave one behind in /tmp for good.
//
// So each master holds an exclusive lock on an `owner` file inside its directory for as long as it
// runs (.NET's FileShare.None is an flock(LOCK_EX) on Unix; the kernel drops it when the process dies,
// however it dies), and a starting master removes every other run directory whose owner lock it can
// take: nobody holds it, so its master is gone. A lock is asked of the file itself, not of a pid, so
// a pid that has since been reused, or a master in another pid namespace sharing /tmp, can never make
// a live master's directory look dead. A directory without an owner file (being made right now, or
// from a build before the lock) is left alone unless it is an hour old and its pid is not running.

using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;
using Serilog;

namespace DotnetWsgi.Manager.Master;

internal sealed class RunDirectory : IDisposable
{
    private const string Prefix = "dotnetwsgi-";
    private const string OwnerFile = "owner";
    private static readonly TimeSpan UnownedGrace = TimeSpan.FromHours(1);
    private readonly FileStream _owner;

    public string Path { get; }

    private RunDirectory(string path, FileStream owner)
    {
        Path = path;
        _owner = owner;
    }

    /// <summary>Removes run directories left by dead masters, then makes this master's and locks it.</summary>
    public static RunDirectory Create(int pid, ILogger log)
    {
        int removed = RemoveStale(System.IO.Path.GetTempPath(), pid);
        if (removed > 0) log.Information("removed {Count} run directories left by masters that were killed", removed);
        string path = Directory.CreateTempSubdirectory($"{Prefix}{pid}-").FullName;
        // Locked under another name first, then renamed (the lock stays with the file): a sweeper
        // never finds an `owner` file that exists but is not locked yet.
        string locking = System.IO.Path.Combine(path, OwnerFile + ".new");
        var owner = new FileStream(locking, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        File.Move(locking, System.IO.Path.Combine(path, OwnerFile));
        return new RunDirectory(path, owner);
    }

    /// <summary>Removes every run directory under tempDir whose master is gone; returns how many.</summary>
    internal static int RemoveStale(string tempDir, int selfPid)
    {
        if (FileLockingDisabled) return 0; // every probe would succeed: nothing could be told apart
        int removed = 0;
        string[] dirs;
        try { dirs = Directory.GetDirectories(tempDir, $"{Prefix}*-*"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return 0; }
        foreach (string dir in dirs)
        {
            if (!IsStale(dir, selfPid)) continue;
            try
            {
                Directory.Delete(dir, recursive: true);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // another user's, or removed meanwhile
        }
        return removed;
    }

    /// <summary>.NET's switch that turns FileShare locking off (then FileShare.None takes no lock).</summary>
    private static bool FileLockingDisabled
        => (AppContext.TryGetSwitch("System.IO.DisableFileLocking", out bool off) && off)
           || Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is "1" or "true";

    private static bool IsStale(string dir, int selfPid)
    {
        string owner = System.IO.Path.Combine(dir, OwnerFile);
        if (File.Exists(owner))
        {
            try
            {
                using var probe = new FileStream(owner, FileMode.Open, FileAccess.Read, FileShare.None);
                return true; // the lock was free: no master holds it
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false; // held (a live master), or not ours to judge
            }
        }
        string name = System.IO.Path.GetFileName(dir);
        string[] parts = name[Prefix.Length..].Split('-', 2);
        if (parts.Length != 2 || !int.TryParse(parts[0], out int pid) || pid <= 0 || pid == selfPid) return false;
        DateTime made;
        try { made = Directory.GetLastWriteTimeUtc(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
        return DateTime.UtcNow - made > UnownedGrace && Libc.Kill(pid, 0) == -Errno.ESRCH;
    }

    /// <summary>Removes the directory and drops the lock.</summary>
    public void Dispose()
    {
        _owner.Dispose();
        try { Directory.Delete(Path, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
