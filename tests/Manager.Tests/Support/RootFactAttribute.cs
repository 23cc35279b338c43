using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Support;

/// <summary>A fact that drops privileges: it needs root and /usr/bin/python3.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (Libc.GetUid() != 0) Skip = "needs root: only root can drop privileges with uid/gid";
        else if (!File.Exists(PythonFactAttribute.Python)) Skip = $"{PythonFactAttribute.Python} is not installed";
    }
}
