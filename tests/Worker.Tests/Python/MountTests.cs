using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Python;

namespace DotnetWsgi.Worker.Tests.Python;

/// <summary>mount + manage-script-name.</summary>
[Collection("Python")]
public sealed class MountTests(PythonFixture fx)
{
    private PythonApplicationHost Mounted(bool manage) => fx.Host($"mounts:{manage}", new ServerOptions
    {
        Mounts = [new MountSpec("/mount", "wsgi_cases:app_a"), new MountSpec("/mount/deep/", "wsgi_cases:app_b"), new MountSpec("/", "wsgi_cases:app_b")],
        ManageScriptName = manage,
        PythonPath = [PythonFixture.AppsDir],
    });

    private string Get(PythonApplicationHost host, string path, params (string, string)[] extra)
    {
        var (r, ctx) = new TestRequest { Path = path, Extra = [.. extra] }.Run(host);
        Assert.False(ctx.AppFailed);
        return r.BodyText;
    }

    [Theory]
    [InlineData("/mount/p/q", "A /mount|/p/q")]
    [InlineData("/mount", "A /mount|")]
    [InlineData("/mount/", "A /mount|/")]
    [InlineData("/mount/deep/x", "B /mount/deep|/x")]
    [InlineData("/mount/deeper", "A /mount|/deeper")]
    [InlineData("/mountx", "A |/mountx")] // no '/' boundary: app 0 (the first mount), vars untouched
    [InlineData("/other", "A |/other")]   // a "/" mountpoint is never chosen by prefix
    public void ManageScriptName_PicksLongestMountOnSlashBoundary(string path, string expected)
    {
        Assert.Equal(expected, Get(Mounted(manage: true), path));
    }

    [Fact]
    public void WithoutManageScriptName_ScriptNameSelectsTheApp()
    {
        var host = Mounted(manage: false);

        Assert.Equal("B /mount/deep|/x", Get(host, "/x", ("SCRIPT_NAME", "/mount/deep")));
        Assert.Equal("A |/mount/p", Get(host, "/mount/p"));
    }

    [Fact]
    public void ModuleApp_IsAppZero_BeforeMounts()
    {
        var host = fx.Host("module+mount", new ServerOptions
        {
            Module = "wsgi_cases:hello",
            Mounts = [new MountSpec("/b", "wsgi_cases:app_b")],
            ManageScriptName = true,
            PythonPath = [PythonFixture.AppsDir],
        });

        Assert.Equal("hello world", Get(host, "/elsewhere"));
        Assert.Equal("B /b|/z", Get(host, "/b/z"));
    }

    [Fact]
    public void MountFileTarget_LoadsTheFile()
    {
        var host = fx.Host("mount-file", new ServerOptions
        {
            Mounts = [new MountSpec("/v", Path.Combine(PythonFixture.AppsDir, "validated.py"))],
            ManageScriptName = true,
        });

        Assert.Equal("get http", Get(host, "/v/"));
    }
}
