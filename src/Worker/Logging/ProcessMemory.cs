// This process's memory for `memory-report` request logs (`%(rss)`, `%(vsz)`): /proc/self/statm,
// whose first two fields are the virtual size and the resident set in pages.

using System.Globalization;

namespace DotnetWsgi.Worker.Logging;

public static class ProcessMemory
{
    private static readonly long PageSize = Environment.SystemPageSize;

    /// <summary>(rss, vsz) in bytes, (0, 0) if /proc cannot be read.</summary>
    public static (long Rss, long Vsz) Current()
    {
        try
        {
            var f = File.ReadAllText("/proc/self/statm").Split(' ');
            return (long.Parse(f[1], CultureInfo.InvariantCulture) * PageSize, long.Parse(f[0], CultureInfo.InvariantCulture) * PageSize);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return (0, 0);
        }
    }
}
