namespace DotnetWsgi.Manager.Tests.Support;

/// <summary>A fact that needs Debian's /usr/bin/python3 (the stand-in worker and the test apps run on it).</summary>
public sealed class PythonFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    public PythonFactAttribute()
    {
        if (!File.Exists(Python)) Skip = $"{Python} is not installed: the stand-in worker needs it";
    }
}
