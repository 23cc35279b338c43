namespace DotnetWsgi.TestSupport;

/// <summary>A snapshot of a process's output lines; as a string (in a failure message) it is the text itself.</summary>
public sealed class OutputLines(IEnumerable<string> lines) : List<string>(lines)
{
    public override string ToString() => string.Join("\n", this);
}
