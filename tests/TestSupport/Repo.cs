// Paths and ports every test project shares: the repository root, the published executable (the one
// place that knows where it is), free loopback ports and temp dirs.

using System.Net;
using System.Net.Sockets;

namespace DotnetWsgi.TestSupport;

public static class Repo
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

    /// <summary>A new empty directory under the temp dir, named prefix-XXXXXXXXXXXX (short: unix socket paths live in it).</summary>
    public static string TempDir(string prefix)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Deletes a test's temp dir; a file still held open by a dying process is no failure.</summary>
    public static void DeleteDir(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Manager.sln"))) return d.FullName;
        throw new InvalidOperationException("Manager.sln not found above " + AppContext.BaseDirectory);
    }
}
