using DotnetWsgi.Config.Options;
using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Worker.Tests.Python;

/// <summary>Interpreter set-up: pythonpath globs, env, the write() callable, the stack-dump signal.</summary>
[Collection("Python")]
public sealed class SetupTests(PythonFixture fx)
{
    [Fact]
    public void PythonPathGlob_AndEnv_AreAppliedBeforeTheAppLoads()
    {
        var host = fx.Host("globbed", new ServerOptions
        {
            Module = "globmod",
            PythonPath = [Path.Combine(PythonFixture.AppsDir, "globbed", "lib*")],
            Env = [new EnvSetting("DWSGI_TEST_ENV", "set by env option")],
        });

        var (r, ctx) = new TestRequest().Run(host);

        Assert.False(ctx.AppFailed);
        Assert.Equal("set by env option", r.BodyText);
    }

    [Fact]
    public void WriteCallable_PrecedesTheReturnedBody()
    {
        var (r, ctx) = new TestRequest().Run(fx.Cases("write_then_return"));

        Assert.False(ctx.AppFailed);
        Assert.Equal("written returned", r.BodyText);
        Assert.True(r.Completed);
    }

    [Fact]
    public void DumpStacksSignal_WritesPythonStacksToStderr()
    {
        fx.Cases("hello"); // the interpreter is running and faulthandler registered
        string file = Path.GetTempFileName();
        const int saved = 987; // a free descriptor number to park the real stderr in
        Libc.Dup2(2, saved);
        try
        {
            using (var f = new FileStream(file, FileMode.Open, FileAccess.Write))
                Libc.Dup2((int)f.SafeFileHandle.DangerousGetHandle(), 2);
            Assert.Equal(0, Libc.Kill(Environment.ProcessId, WorkerContract.DumpStacksSignal));
            Wait.Until(() => new FileInfo(file).Length > 0, "the stack dump on stderr");
        }
        finally
        {
            Libc.Dup2(saved, 2);
            Libc.Close(saved);
        }
        string dump = File.ReadAllText(file);
        File.Delete(file);
        Assert.Contains("Thread 0x", dump);
    }
}
