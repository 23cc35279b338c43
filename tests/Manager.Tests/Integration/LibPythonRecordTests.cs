// The first worker finds which libpython to load (from the interpreter's installation files) and
// records it in the master's run directory; a worker started after it (here: the replacement of a SIGKILLed worker)
// loads the recorded library without asking. Seen as a user sees it: the run directory's record and
// the workers' start-up debug lines (DOTNETWSGI_DEBUG=1).

using DotnetWsgi.Native.Interop;
using DotnetWsgi.TestSupport;

namespace DotnetWsgi.Manager.Tests.Integration;

public sealed class LibPythonRecordTests
{
    [BinaryFact]
    public void AReplacementWorker_LoadsTheLibraryTheFirstWorkerRecorded()
    {
        int port = Repo.FreePort();
        string app = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "apps", "app.py"));
        using var master = new MasterInstance(
            $"[uwsgi]\nhttp-socket = 127.0.0.1:{port}\nwsgi-file = app.py\nchdir = %d\nprocesses = 1\n",
            environment: new Dictionary<string, string> { ["DOTNETWSGI_DEBUG"] = "1" },
            files: new Dictionary<string, string> { ["app.py"] = app });
        master.Until(() => Loaded(master) == 1 && master.WorkerPids().Count == 1, "the first worker to load the app");
        Assert.Contains(master.Output, l => l.Contains("startup: libpython located and loaded", StringComparison.Ordinal)
                                            && l.Contains("read from /usr/bin/python3's installation", StringComparison.Ordinal));
        string record = master.RunDirs().Select(d => Path.Combine(d, "libpython")).Single(File.Exists);
        Assert.Contains("libpython3", File.ReadAllText(record));

        int first = master.WorkerPids().Single();
        Libc.Kill(first, Signals.SIGKILL);
        master.Until(() => Loaded(master) == 2 && master.WorkerPids() is { Count: 1 } now && !now.Contains(first),
            "the replacement worker to load the app");

        Assert.Contains(master.Output, l => l.Contains("startup: libpython located and loaded", StringComparison.Ordinal)
                                            && l.Contains("recorded by an earlier worker", StringComparison.Ordinal));
    }

    private static int Loaded(MasterInstance master) => master.Output.Count(l => l.Contains("ready on mountpoint", StringComparison.Ordinal));
}
