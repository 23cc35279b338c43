using System.Net;
using System.Net.Sockets;

namespace DotnetWsgi.Manager.Tests.Nginx;

/// <summary>Paths and ports shared by the end-to-end tests.</summary>
internal static class Repo
{
    /// <summary>The repository root (the folder holding Manager.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The published executable: DOTNETWSGI_BIN, else artifacts/bin/dotnetwsgi (./build.sh makes it).</summary>
    public static string Binary =>
        Environment.GetEnvironmentVariable("DOTNETWSGI_BIN") is { Length: > 0 } bin ? bin : Path.Combine(Root, "artifacts", "bin", "dotnetwsgi");

    /// <summary>A port nobody listens on at the moment (bound to 127.0.0.1:0, then released).</summary>
    public static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    public static string TempDir(string prefix)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Manager.sln"))) return d.FullName;
        throw new InvalidOperationException("Manager.sln not found above " + AppContext.BaseDirectory);
    }
}
