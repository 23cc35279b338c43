#pragma warning disable CA1416 // Linux-only test
using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Python;

namespace DotnetWsgi.Worker.Tests.Python;

/// <summary>The libpython record a worker leaves for the workers started after it.</summary>
[Collection("Python")]
public sealed class LibPythonCacheTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dwsgi-libcache").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Library => LibPythonLocator.AskInterpreter(LibPythonLocator.DefaultInterpreter, []).First();

    /// <summary>An "interpreter" that cannot answer: asking it fails, so only the record can find the library.</summary>
    private string MuteInterpreter() => TestInterpreters.Mute(Path.Combine(_dir, "python-mute"));

    [Fact]
    public void AskingTheInterpreter_RecordsTheLibrary_ForTheNextWorker()
    {
        var cache = new LibPythonCache(Path.Combine(_dir, "libpython"));

        var lib = LibPythonLocator.Load(new ServerOptions(), [], cache);

        Assert.False(lib.Recorded);
        Assert.Equal(lib.Path, cache.Lookup(LibPythonLocator.DefaultInterpreter));
    }

    [Fact]
    public void ARecordedLibrary_IsLoadedWithoutAskingTheInterpreter()
    {
        string mute = MuteInterpreter();
        var cache = new LibPythonCache(Path.Combine(_dir, "libpython"));
        var options = new ServerOptions { PythonExecutable = mute };
        Assert.Throws<AppLoadException>(() => LibPythonLocator.Load(options, [_dir], cache)); // no record: it asks, and fails
        cache.Store(mute, Library);

        var lib = LibPythonLocator.Load(options, [_dir], cache);

        Assert.Equal(Library, lib.Path);
        Assert.Equal(mute, lib.Interpreter);
        Assert.True(lib.Recorded);
        Assert.Equal("recorded by an earlier worker", lib.How);
    }

    [Fact]
    public void ARecord_IsMissed_WhenTheInterpreterChanges()
    {
        string mute = MuteInterpreter();
        var cache = new LibPythonCache(Path.Combine(_dir, "libpython"));
        cache.Store(mute, Library);

        File.SetLastWriteTimeUtc(mute, DateTime.UtcNow.AddMinutes(5)); // e.g. a rebuilt venv or an upgrade

        Assert.Null(cache.Lookup(mute));
        Assert.Null(cache.Lookup(LibPythonLocator.DefaultInterpreter));
    }

    [Fact]
    public void ARecordedLibraryThatNoLongerLoads_FallsBackToAskingTheInterpreter()
    {
        var cache = new LibPythonCache(Path.Combine(_dir, "libpython"));
        cache.Store(LibPythonLocator.DefaultInterpreter, Path.Combine(_dir, "libpython3.99.so.1.0"));

        var lib = LibPythonLocator.Load(new ServerOptions(), [], cache);

        Assert.Equal(Library, lib.Path);
        Assert.Equal(Library, cache.Lookup(LibPythonLocator.DefaultInterpreter));
    }

    [Fact]
    public void AnUnreadableOrGarbledRecord_IsAMiss()
    {
        string path = Path.Combine(_dir, "libpython");
        File.WriteAllText(path, "not a record");
        Assert.Null(new LibPythonCache(path).Lookup(LibPythonLocator.DefaultInterpreter));
        Assert.Null(new LibPythonCache(Path.Combine(_dir, "no-such-dir", "libpython")).Lookup(LibPythonLocator.DefaultInterpreter));
        new LibPythonCache(Path.Combine(_dir, "no-such-dir", "libpython")).Store(LibPythonLocator.DefaultInterpreter, Library); // no throw
    }
}
