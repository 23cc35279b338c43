// What magic variables (%h %k %u %U %g %G %v %t %T %V %b) say about the machine and the start-up
// moment. Gathered once per load and passed in, so tests can pin every value.

namespace DotnetWsgi.Config.Ini;

public sealed record MachineFacts(
    string Hostname,
    int CpuCount,
    string Uid,
    string UserName,
    string Gid,
    string GroupName,
    string WorkingDirectory,
    string BinaryPath,
    string Version,
    DateTimeOffset StartTime)
{
    /// <summary>The facts of this process. Ids come from /proc/self/status (no native call needed).</summary>
    public static MachineFacts Current(string workingDirectory)
    {
        string uid = ProcStatusId("Uid:");
        string gid = ProcStatusId("Gid:");
        return new MachineFacts(
            Environment.MachineName,
            Environment.ProcessorCount,
            uid,
            Environment.UserName,
            gid,
            LookupGroupName(gid),
            workingDirectory,
            Environment.ProcessPath ?? "",
            typeof(MachineFacts).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            DateTimeOffset.UtcNow);
    }

    private static string ProcStatusId(string field)
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith(field, StringComparison.Ordinal))
                    return line[field.Length..].Split('\t', StringSplitOptions.RemoveEmptyEntries)[0];
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return "";
    }

    private static string LookupGroupName(string gid)
    {
        try
        {
            foreach (string line in File.ReadLines("/etc/group"))
            {
                string[] parts = line.Split(':');
                if (parts.Length > 2 && parts[2] == gid)
                    return parts[0];
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return gid;
    }
}
