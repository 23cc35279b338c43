// What /proc says about the processes a test started: parent, state, start time, children. A pid is
// killed only while it still names the process that was seen (same start time), so a pid the kernel
// has handed to a new process since is never hit.

using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.TestSupport;

public static class ProcessTree
{
    /// <summary>A process as /proc/PID/stat showed it: its parent, state letter and start time (clock ticks since boot).</summary>
    public readonly record struct ProcStat(int Pid, int Parent, char State, long StartTime);

    public static ProcStat? Stat(int pid)
    {
        string text;
        try { text = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        // "pid (comm) S ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
        string[] f = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return new ProcStat(pid, int.Parse(f[1]), f[0][0], long.Parse(f[19]));
    }

    /// <summary>A variable of the environment pid was started with (/proc/PID/environ); null if unset or the process is gone.</summary>
    public static string? EnvironmentVariable(int pid, string name)
    {
        string text;
        try { text = File.ReadAllText($"/proc/{pid}/environ"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        return text.Split('\0').FirstOrDefault(e => e.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];
    }

    /// <summary>Running (exists and is no zombie).</summary>
    public static bool IsAlive(int pid) => Stat(pid) is { State: not 'Z' and not 'X' };

    /// <summary>Direct children of pid (of every thread of it), from /proc/PID/task/TID/children.</summary>
    public static List<int> Children(int pid)
    {
        var children = new List<int>();
        string[] tasks;
        try { tasks = Directory.GetDirectories($"/proc/{pid}/task"); }
        catch (IOException) { return children; }
        foreach (string task in tasks)
        {
            try { children.AddRange(File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)); }
            catch (IOException) { } // the thread ended meanwhile
        }
        return children;
    }

    /// <summary>Every process below pid (children, their children, ...), as seen now.</summary>
    public static List<ProcStat> Descendants(int pid)
    {
        var found = new List<ProcStat>();
        var todo = new Stack<int>(Children(pid));
        while (todo.TryPop(out int child))
        {
            if (Stat(child) is not { } stat) continue;
            found.Add(stat);
            foreach (int grandchild in Children(child)) todo.Push(grandchild);
        }
        return found;
    }

    /// <summary>SIGKILLs the process seen earlier, only if its pid still names it.</summary>
    public static void KillIfSame(ProcStat seen)
    {
        if (Stat(seen.Pid) is { } now && now.StartTime == seen.StartTime) Libc.Kill(seen.Pid, Signals.SIGKILL);
    }
}
