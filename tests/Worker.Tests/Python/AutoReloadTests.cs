using System.Diagnostics;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Python;

namespace DotnetWsgi.Worker.Tests.Python;

/// <summary>py-autoreload sends SIGHUP to the master when a loaded module's file changes.</summary>
[Collection("Python")]
public sealed class AutoReloadTests(PythonFixture fx)
{
    [Fact]
    public void AutoReloader_SignalsTheMaster_WhenAModuleFileChanges()
    {
        var dir = Directory.CreateTempSubdirectory("dwsgi-reload").FullName;
        string module = "reload_target_" + Guid.NewGuid().ToString("N");
        string file = Path.Combine(dir, module + ".py");
        File.WriteAllText(file, "def application(environ, start_response):\n    start_response('200 OK', [])\n    return [b'v1']\n");
        // A stand-in master: SIGHUP's default action ends it, which the test observes.
        using var master = Process.Start(new ProcessStartInfo("/bin/sleep", "120"))!;
        try
        {
            var host = fx.Host(module, new ServerOptions { Module = module, PythonPath = [dir], PyAutoreload = 1 }, masterPid: master.Id);
            Assert.Equal("v1", new TestRequest().Run(host).Response.BodyText);
            Assert.False(master.WaitForExit(1500), "the reloader fired before any change");

            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(5));

            Assert.True(master.WaitForExit(30_000), "the master was not signalled");
            Assert.Equal(128 + 1, master.ExitCode); // killed by SIGHUP
        }
        finally
        {
            if (!master.HasExited) master.Kill();
            Directory.Delete(dir, true);
        }
    }
}
