namespace DotnetWsgi.Native.Interop;

public static partial class Libc
{
    /// <summary>
    /// This process's address-space size and resident set in bytes, from /proc/self/statm (the two
    /// first fields, in pages). Returns false when /proc is unavailable.
    /// </summary>
    public static bool ReadSelfMemory(out long vszBytes, out long rssBytes)
    {
        vszBytes = rssBytes = 0;
        string text;
        try { text = File.ReadAllText("/proc/self/statm"); }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
        var parts = text.Split(' ', 3);
        if (parts.Length < 2 || !long.TryParse(parts[0], out var vsz) || !long.TryParse(parts[1], out var rss)) return false;
        vszBytes = vsz * Environment.SystemPageSize;
        rssBytes = rss * Environment.SystemPageSize;
        return true;
    }
}
