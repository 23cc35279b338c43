using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Python;

namespace DotnetWsgi.Worker.Tests.Python;

/// <summary>App loading (module, wsgi-file, errors) and finding libpython.</summary>
[Collection("Python")]
public sealed class LoadTests(PythonFixture fx)
{
    [Fact]
    public void DjangoStyleModule_Loads_WithDefaultCallableApplication()
    {
        var host = fx.Host("project", new ServerOptions { Module = "project.wsgi", PythonPath = [PythonFixture.AppsDir] });

        var (r, ctx) = new TestRequest().Run(host);

        Assert.False(ctx.AppFailed);
        Assert.Equal("hello from project.wsgi", r.BodyText);
    }

    [Fact]
    public void ImportError_IsAppLoadException_WithTraceback()
    {
        var host = new PythonApplicationHost(new ServerOptions { Module = "broken_import", PythonPath = [PythonFixture.AppsDir] }, fx.Log.Logger);

        var ex = Assert.Throws<AppLoadException>(host.Load);

        Assert.Contains("module broken_import (callable application)", ex.Message);
        Assert.Contains("Traceback (most recent call last)", ex.Message);
        Assert.Contains("ModuleNotFoundError: No module named 'module_that_does_not_exist'", ex.Message);
    }

    [Fact]
    public void MissingCallable_IsAppLoadException_NamingIt()
    {
        var host = new PythonApplicationHost(new ServerOptions { Module = "wsgi_cases:no_such_app", PythonPath = [PythonFixture.AppsDir] }, fx.Log.Logger);

        var ex = Assert.Throws<AppLoadException>(host.Load);

        Assert.Contains("module wsgi_cases (callable no_such_app): the module has no attribute no_such_app", ex.Message);
    }

    [Fact]
    public void MissingWsgiFile_IsAppLoadException_NamingTheFile()
    {
        var host = new PythonApplicationHost(new ServerOptions { WsgiFile = "/nonexistent/app.py" }, fx.Log.Logger);

        var ex = Assert.Throws<AppLoadException>(host.Load);

        Assert.Contains("wsgi-file /nonexistent/app.py (callable application): file not found", ex.Message);
    }

    [Fact]
    public void NoApp_IsAppLoadException()
    {
        var ex = Assert.Throws<AppLoadException>(new PythonApplicationHost(new ServerOptions(), fx.Log.Logger).Load);

        Assert.Contains("no Python application configured", ex.Message);
    }

    [Fact]
    public void WsgiFileModuleName_FollowsUwsgi()
    {
        Assert.Equal("uwsgi_file_run", AppLoader.ModuleNameForFile("run.py"));
        Assert.Equal("uwsgi_file__srv_my_app_wsgi", AppLoader.ModuleNameForFile("/srv/my.app.wsgi"));
    }

    [Fact]
    public void LibPython_NotFound_NamesEveryPathTried()
    {
        var empty = Directory.CreateTempSubdirectory("dwsgi-nolib").FullName;
        try
        {
            var options = new ServerOptions { PythonExecutable = "/nonexistent/bin/python3" };

            var ex = Assert.Throws<AppLoadException>(() => LibPythonLocator.Load(options, [empty]));

            Assert.Contains("could not load libpython", ex.Message);
            Assert.Contains("interpreter /nonexistent/bin/python3", ex.Message);
        }
        finally
        {
            Directory.Delete(empty, true);
        }
    }

    [Fact]
    public void LibPython_ExplicitLibraryMissing_NamesIt()
    {
        var ex = Assert.Throws<AppLoadException>(() => LibPythonLocator.Load(new ServerOptions { PythonLibrary = "/nonexistent/libpython3.99.so" }));

        Assert.Contains("/nonexistent/libpython3.99.so", ex.Message);
    }

    [Fact]
    public void LibPython_MissingHome_IsAppLoadException()
    {
        var ex = Assert.Throws<AppLoadException>(() => LibPythonLocator.Load(new ServerOptions { Home = "/nonexistent/venv" }));

        Assert.Equal("home (virtualenv) /nonexistent/venv does not exist", ex.Message);
    }

    [Fact]
    public void LibPython_HomeWithoutInterpreter_DoesNotFallBack()
    {
        var home = Directory.CreateTempSubdirectory("dwsgi-home").FullName;
        try
        {
            var ex = Assert.Throws<AppLoadException>(() => LibPythonLocator.Load(new ServerOptions { Home = home }));

            Assert.Contains($"interpreter {home}/bin/python", ex.Message);
        }
        finally
        {
            Directory.Delete(home, true);
        }
    }

    [Fact]
    public void LibPython_IsFoundFromTheDefaultInterpreter()
    {
        var tried = new List<string>();

        var found = LibPythonLocator.AskInterpreter(LibPythonLocator.DefaultInterpreter, tried);

        Assert.Empty(tried);
        Assert.Contains(found, p => p.EndsWith("libpython3.11.so.1.0", StringComparison.Ordinal));
    }

    [Fact]
    public void LibPython_IsFoundFromAVirtualenvHome()
    {
        var venv = Path.Combine(Directory.CreateTempSubdirectory("dwsgi-venv").FullName, "venv");
        try
        {
            TestInterpreters.Venv(venv);
            var options = new ServerOptions { Home = venv };
            var tried = new List<string>();

            var found = LibPythonLocator.AskInterpreter(LibPythonLocator.InterpreterFor(options), tried);

            Assert.Equal(Path.Combine(venv, "bin", "python"), LibPythonLocator.InterpreterFor(options));
            Assert.Contains(found, p => p.EndsWith("libpython3.11.so.1.0", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(venv)!, true);
        }
    }
}
