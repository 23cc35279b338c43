// The published dotnetwsgi serving apps/pyapi_app.py (uwsgidecorators, cache, spooler, a mule) from
// a temp directory on a free 127.0.0.1 port (MasterInstance: worker pids from the scoreboard, every
// process ended by PID). Mules and spoolers are found by the role the master wrote into their
// environment, not by the lines it logged.

using System.Text.Json;
using DotnetWsgi.Native.PythonApi;

namespace DotnetWsgi.Manager.Tests.Integration;

public sealed class PythonApiInstance : MasterInstance
{
    public string Out => Path.Combine(Dir, "out");
    public string SpoolDir => Path.Combine(Dir, "spool");
    public string PidfilePath => Path.Combine(Dir, "app.pid");

    public PythonApiInstance(params string[] extra)
    {
        ReadyPath = "/opt";
        Directory.CreateDirectory(Out);
        Directory.CreateDirectory(SpoolDir);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "apps", "pyapi_app.py"), Path.Combine(Dir, "pyapi_app.py"));
        File.WriteAllLines(Ini,
        [
            "[uwsgi]",
            $"http-socket = 127.0.0.1:{Port}",
            "wsgi-file = pyapi_app.py",
            "processes = 2",
            "master = true",
            $"pidfile = {PidfilePath}",
            "cache2 = name=shared,items=100,blocksize=128",
            "spooler = spool",
            "spooler-frequency = 1",
            "mule =",
            "acc-custom = hello",
            $"env = OUT_DIR={Out}",
            .. extra,
        ]);
        Start(Repo.Binary, ["app.ini"]);
    }

    public int Count(string fragment) => Output.Count(l => l.Contains(fragment, StringComparison.Ordinal));

    /// <summary>The app answers JSON: the parsed answer (MasterInstance.Get gives the text).</summary>
    public new JsonElement Get(string path) => JsonDocument.Parse(base.Get(path)).RootElement;

    /// <summary>
    /// Requests path until a worker other than notWorker answers. An idle kernel may hand every new
    /// connection to the same worker, so each try first keeps one worker busy with a slow request
    /// (one thread per worker): the next connection goes to a free one.
    /// </summary>
    public JsonElement GetFromAnotherWorker(string path, int notWorker)
    {
        JsonElement answer = default;
        Wait.Until(() =>
        {
            var busy = Task.Run(() => base.Get("/sleep?1"));
            Thread.Sleep(200); // let the slow request be accepted first (a retry covers a slow start)
            answer = Get(path);
            busy.GetAwaiter().GetResult();
            return answer.GetProperty("worker").GetInt32() != notWorker;
        }, $"worker other than {notWorker} to answer {path}");
        return answer;
    }

    public string OutFile(string name) => Path.Combine(Out, name);

    /// <summary>The live processes of mule `id` (two for a moment while a reload replaces it).</summary>
    public HashSet<int> MulePids(int id) => ChildPidsWith(PythonApiContract.MuleIdVar, id.ToString());

    /// <summary>The live spooler processes.</summary>
    public HashSet<int> SpoolerPids() => ChildPidsWith(PythonApiContract.SpoolerDirVar);
}
