using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Native.Tests;

public sealed class LibcTests
{
    [Fact]
    public void Kill_ReturnsEsrch_ForAProcessThatIsGone()
    {
        using var p = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        p.WaitForExit();
        int pid = p.Id;
        p.Dispose();
        // The runtime reaped it; the pid is free (reuse within this test is practically impossible).
        Assert.Equal(-Errno.ESRCH, Libc.Kill(pid, 0));
    }

    [Fact]
    public void Kill_SignalZero_SucceedsForThisProcess()
        => Assert.Equal(0, Libc.Kill(Environment.ProcessId, 0));

    [Fact]
    public void SetCloseOnExec_TogglesTheFlagOnASocket()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int fd = (int)s.SafeHandle.DangerousGetHandle();
        Assert.True(Libc.IsCloseOnExec(fd)); // .NET opens sockets with CLOEXEC
        Libc.SetCloseOnExec(fd, false);
        Assert.False(Libc.IsCloseOnExec(fd));
        Libc.SetCloseOnExec(fd, true);
        Assert.True(Libc.IsCloseOnExec(fd));
    }

    [Fact]
    public void MkFifo_CreatesAFifo_AndReportsEexistTheSecondTime()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fifo-{Guid.NewGuid():N}");
        try
        {
            Assert.Equal(0, Libc.MkFifo(path, 0x180 /* 0600 */));
            Assert.True(Libc.IsFifo(path));
            Assert.Equal(-Errno.EEXIST, Libc.MkFifo(path, 0x180));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void DlOpenGlobal_ReportsTheLoaderError_ForAMissingLibrary()
    {
        IntPtr h = Libc.DlOpenGlobal("/nonexistent/libnothing.so", out var error);
        Assert.Equal(IntPtr.Zero, h);
        Assert.Contains("libnothing.so", error);
    }
}
