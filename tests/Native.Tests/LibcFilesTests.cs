// The direct glibc imports that replaced Mono.Posix (Libc.Files.cs) read struct fields at fixed
// x86_64 offsets: each is checked against what the system's own tools (stat, id, getent) report.

using System.Diagnostics;
using System.Net.Sockets;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Native.Tests;

public sealed class LibcFilesTests
{
    private static string Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        string output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return output;
    }

    [Fact]
    public void Inode_IsWhatStatReports_AndNullForAMissingPath()
    {
        string path = Path.GetTempFileName();
        try
        {
            Assert.Equal(ulong.Parse(Run("/usr/bin/stat", "-c", "%i", path)), Libc.Inode(path));
            Assert.Null(Libc.Inode(path + ".missing"));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void IsSocket_And_IsFifo_TellTheFileTypesApart()
    {
        string dir = Directory.CreateTempSubdirectory("libc-files-").FullName;
        try
        {
            string sock = Path.Combine(dir, "s.sock"), fifo = Path.Combine(dir, "f"), file = Path.Combine(dir, "plain");
            using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            s.Bind(new UnixDomainSocketEndPoint(sock));
            Assert.Equal(0, Libc.MkFifo(fifo, 0x180));
            File.WriteAllText(file, "x");
            Assert.True(Libc.IsSocket(sock));
            Assert.False(Libc.IsFifo(sock));
            Assert.True(Libc.IsFifo(fifo));
            Assert.False(Libc.IsSocket(fifo));
            Assert.False(Libc.IsSocket(file));
            Assert.False(Libc.IsFifo(file));
            Assert.False(Libc.IsSocket(Path.Combine(dir, "missing")));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void UserAndGroupLookups_MatchTheSystemDatabase()
    {
        Assert.Equal(uint.Parse(Run("/usr/bin/id", "-u")), Libc.GetUid());
        Assert.Equal(uint.Parse(Run("/usr/bin/id", "-g")), Libc.GetGid());
        Assert.Equal(uint.Parse(Run("/usr/bin/id", "-u", "nobody")), Libc.LookupUser("nobody"));
        Assert.Equal(uint.Parse(Run("/usr/bin/getent", "group", "nogroup").Split(':')[2]), Libc.LookupGroup("nogroup"));
        Assert.Equal(0u, Libc.LookupUser("root"));
        Assert.Equal(42u, Libc.LookupUser("42"));
        Assert.Null(Libc.LookupUser("no-such-user-dnw"));
        Assert.Null(Libc.LookupGroup("no-such-group-dnw"));
    }

    [Fact]
    public void Chmod_Chown_And_Umask_Apply()
    {
        string path = Path.GetTempFileName();
        try
        {
            Libc.Chmod(path, 0x1A0 /* 0640 */);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
            Libc.Chown(path, Libc.GetUid(), Libc.GetGid()); // to the owner it has: allowed for anyone
            Assert.Throws<NativeException>(() => Libc.Chmod(path + ".missing", 0x1A0));
            int previous = Libc.Umask(0x12 /* 022 */);
            Assert.Equal(0x12, Libc.Umask(previous));
        }
        finally { File.Delete(path); }
    }
}
