#pragma warning disable CA1416 // Linux-only test
using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Python;

namespace DotnetWsgi.Worker.Tests.Python;

/// <summary>
/// libpython found from the interpreter's installation files, without running the interpreter
/// (the ~20 ms subprocess that used to sit on every instance's start-up path).
/// </summary>
[Collection("Python")]
public sealed class InstalledBuildSettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dwsgi-install").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static string RealLibPython => LibPythonLocator.AskInterpreter(LibPythonLocator.DefaultInterpreter, []).First();

    [Fact]
    public void TheDefaultInterpretersFiles_SayWhatTheInterpreterSays()
    {
        var tried = new List<string>();
        var asked = LibPythonLocator.AskBuildSettings(LibPythonLocator.DefaultInterpreter, tried);

        var read = LibPythonLocator.InstalledBuildSettings(LibPythonLocator.DefaultInterpreter);

        Assert.Empty(tried);
        Assert.NotNull(asked);
        Assert.Equal(asked, read);
    }

    [Fact]
    public void AVirtualenvsInterpreter_IsReadThroughItsSymlink()
    {
        string venv = TestInterpreters.Venv(Path.Combine(_dir, "venv"));
        string interpreter = LibPythonLocator.InterpreterFor(new ServerOptions { Home = venv });

        var read = LibPythonLocator.InstalledBuildSettings(interpreter);

        Assert.Equal(LibPythonLocator.AskBuildSettings(interpreter, []), read);
    }

    /// <summary>PREFIX/bin/python3 -> python3.99, an interpreter that cannot run (exit 3), and
    /// PREFIX/lib/python3.99 holding the given sysconfigdata files; LIBDIR holds a copy of the real library.</summary>
    private string FakeInstallation(params string[] sysconfigdata)
    {
        string prefix = Path.Combine(_dir, "prefix"), bin = Path.Combine(prefix, "bin"), stdlib = Path.Combine(prefix, "lib", "python3.99");
        Directory.CreateDirectory(bin);
        Directory.CreateDirectory(stdlib);
        TestInterpreters.Mute(Path.Combine(bin, "python3.99"));
        File.CreateSymbolicLink(Path.Combine(bin, "python3"), "python3.99");
        string libDir = Path.Combine(_dir, "libdir");
        Directory.CreateDirectory(libDir);
        File.Copy(RealLibPython, Path.Combine(libDir, "libpython3.99.so.1.0"));
        for (int i = 0; i < sysconfigdata.Length; i++)
            File.WriteAllText(Path.Combine(stdlib, $"_sysconfigdata__variant{i}.py"), sysconfigdata[i].Replace("LIBDIR_VALUE", libDir));
        return Path.Combine(bin, "python3");
    }

    private const string Settings =
        "# system configuration generated and used by the sysconfig module\n" +
        "build_time_vars = {'ABIFLAGS': '',\n" +
        " 'INSTSONAME': 'libpython3.99.so.1.0',\n" +
        " 'LDLIBRARY': 'libpython3.99.so',\n" +
        " 'LIBDIR': 'LIBDIR_VALUE',\n" +
        " 'MULTIARCH': 'x86_64-linux-gnu',\n" +
        " 'Py_ENABLE_SHARED': 1,\n" +
        " 'VERSION': '3.99'}\n";

    [Fact]
    public void ALibraryNamedByTheInstallation_IsLoaded_WithoutRunningTheInterpreter()
    {
        string interpreter = FakeInstallation(Settings, Settings);
        var cache = new LibPythonCache(Path.Combine(_dir, "libpython"));

        var lib = LibPythonLocator.Load(new ServerOptions { PythonExecutable = interpreter }, [], cache);

        Assert.Equal(Path.Combine(_dir, "libdir", "libpython3.99.so.1.0"), lib.Path);
        Assert.True(lib.ReadFromInstallation);
        Assert.Equal($"read from {interpreter}'s installation", lib.How);
        Assert.Equal(lib.Path, cache.Lookup(interpreter));
    }

    [Fact]
    public void FilesThatDisagree_AreNotTrusted_AndTheInterpreterIsAsked()
    {
        string interpreter = FakeInstallation(Settings, Settings.Replace("'libpython3.99.so.1.0'", "'libpython3.98.so.1.0'"));

        Assert.Null(LibPythonLocator.InstalledBuildSettings(interpreter));
        var ex = Assert.Throws<AppLoadException>(() => LibPythonLocator.Load(new ServerOptions { PythonExecutable = interpreter }, []));
        Assert.Contains($"interpreter {interpreter} (exit code 3)", ex.Message); // it was asked, and could not answer
    }

    [Theory]
    [InlineData(" 'LIBDIR': '/usr/lib/x86' '_64',\n")] // a concatenation
    [InlineData(" 'LIBDIR': '/usr/lib\\\\x86_64',\n")] // an escape
    public void AValueThisCannotReadExactly_MeansAsking(string libDirLine)
    {
        string interpreter = FakeInstallation(string.Join('\n', Settings.Split('\n').Where(l => !l.Contains("'LIBDIR'"))) + libDirLine);

        Assert.Null(LibPythonLocator.InstalledBuildSettings(interpreter));
    }

    [Fact]
    public void AnInterpreterWithoutAVersionInItsName_IsAsked()
    {
        string script = TestInterpreters.Mute(Path.Combine(_dir, "python"));

        Assert.Null(LibPythonLocator.InstalledBuildSettings(script));
        Assert.Null(LibPythonLocator.InstalledBuildSettings(Path.Combine(_dir, "missing", "python3.11")));
    }
}
