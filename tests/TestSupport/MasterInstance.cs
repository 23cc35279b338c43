// A dotnetwsgi master a test starts (the published binary, or a test host of the same master code) in
// a temp dir of its own: output, readiness by a polled request, worker pids from the master's
// scoreboard and mule and spooler pids from the environment the master gave them (never from log
// text), and Dispose ending the master and every worker by PID (also after a failed assertion, also
// workers orphaned by a killed master).

using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.TestSupport;

public class MasterInstance : IDisposable
{
    // One request per connection, as nginx's uwsgi_pass does: a keep-alive connection that a recycled
    // worker leaves behind is not what these tests are about.
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60), DefaultRequestHeaders = { ConnectionClose = true } };
    private TestProcess? _process;
    private DateTime _startedUtc;

    /// <summary>The published executable serving the ini text written to Dir/app.ini.</summary>
    /// <param name="files">More files (name relative to Dir, text) written before the start, e.g. the app.</param>
    /// <param name="stopSignal">What Dispose sends first: SIGTERM by default, a graceful stop (vacuum runs), SIGKILL after 15 s.</param>
    public MasterInstance(string ini, IDictionary<string, string>? environment = null, IDictionary<string, string>? files = null,
        int stopSignal = Signals.SIGTERM)
    {
        File.WriteAllText(Ini, ini);
        foreach (var (name, text) in files ?? new Dictionary<string, string>()) File.WriteAllText(Path.Combine(Dir, name), text);
        Start(Repo.Binary, ["--ini", Ini], environment, stopSignal);
    }

    /// <summary>For a subclass that writes its files into Dir first and then calls Start.</summary>
    protected MasterInstance() { }

    public string Dir { get; } = Repo.TempDir("dnw");
    public string Ini => Path.Combine(Dir, "app.ini");
    /// <summary>The instance's HTTP socket port (Get and WaitServing use it): a free loopback port unless the test sets its own.</summary>
    public int Port { get; init; } = Repo.FreePort();
    /// <summary>What WaitServing requests until it is answered.</summary>
    public string ReadyPath { get; init; } = "/pid";
    public TestProcess Process => _process ?? throw new InvalidOperationException("not started");
    public int Pid => Process.Pid;
    public bool HasExited => Process.HasExited;
    public OutputLines Output => _process?.Output ?? new([]);
    public bool Logged(string fragment) => Output.Any(l => l.Contains(fragment, StringComparison.Ordinal));
    public void WaitLogged(string fragment, TimeSpan? deadline = null) => Process.WaitLogged(fragment, deadline);

    protected void Start(string file, IEnumerable<string> args, IDictionary<string, string>? environment = null,
        int stopSignal = Signals.SIGKILL, bool newProcessGroup = false)
    {
        _startedUtc = DateTime.UtcNow;
        _process = new TestProcess(file, args, Dir, stopSignal, environment, newProcessGroup);
    }

    public string Get(string path) => _http.GetStringAsync($"http://127.0.0.1:{Port}{path}").GetAwaiter().GetResult();

    public int WaitForExit() => Process.WaitForExit();

    /// <summary>Asks the master (SIGUSR2) until it reports `request` (e.g. "GET /sleep?s=3") running in a worker.</summary>
    public void WaitInFlight(string request)
        => Wait.Until(() => Libc.Kill(Pid, Signals.SIGUSR2) == 0 && Logged($"is managing request {request}"), $"{request} to be in progress");

    /// <summary>
    /// The live workers now: the pids the workers wrote into their scoreboard slots (the scoreboard
    /// of this master, in the temp dir it made at start-up), running and children of this master.
    /// Each is remembered so that Dispose ends it even if the master is gone.
    /// </summary>
    public HashSet<int> WorkerPids()
    {
        var pids = new HashSet<int>();
        if (_process is null) return pids;
        var children = ProcessTree.Children(Pid).ToHashSet();
        foreach (string dir in RunDirs())
            foreach (int pid in ScoreboardPids(Path.Combine(dir, "scoreboard")))
                if (children.Contains(pid) && ProcessTree.IsAlive(pid))
                {
                    pids.Add(pid);
                    Process.Track(pid);
                }
        return pids;
    }

    /// <summary>
    /// The run directories this master made: named after its pid, and made after it started. pid_max
    /// is 32768 here, so a long test run reuses pids, and a master killed with SIGKILL leaves its run
    /// directory behind: an old directory with this pid holds an old scoreboard whose pids may now
    /// name threads of this master's workers (/proc/TID/stat answers for a thread too, with the
    /// worker's parent), so both the start time and "a child of this master" are checked.
    /// </summary>
    public IEnumerable<string> RunDirs()
        => Directory.GetDirectories(Path.GetTempPath(), $"dotnetwsgi-{Pid}-*")
            .Where(dir => Directory.GetCreationTimeUtc(dir) >= _startedUtc - TimeSpan.FromSeconds(1));

    /// <summary>
    /// The live children of this master started with `variable` (= value, when given) in their
    /// environment: how the master tells a mule or a spooler what to be. Each is remembered for Dispose.
    /// </summary>
    public HashSet<int> ChildPidsWith(string variable, string? value = null)
    {
        var pids = new HashSet<int>();
        if (_process is null) return pids;
        foreach (int pid in ProcessTree.Children(Pid))
            if (ProcessTree.IsAlive(pid) && ProcessTree.EnvironmentVariable(pid, variable) is { } v && (value is null || v == value))
            {
                pids.Add(pid);
                Process.Track(pid);
            }
        return pids;
    }

    /// <summary>
    /// Wait.Until, and on a timeout the message also says what the instance looked like: each run
    /// directory of this master pid with its scoreboard slots, the master's children, the output's last lines.
    /// </summary>
    public void Until(Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        try { Wait.Until(condition, what, deadline); }
        catch (TimeoutException e) { throw new TimeoutException($"{e.Message}\n{Diagnosis()}", e); }
    }

    /// <summary>What a failed wait reports: run dirs and scoreboard slots, the master's children, the last 60 lines of output.</summary>
    public string Diagnosis()
    {
        if (_process is null) return "(not started)";
        var text = new System.Text.StringBuilder();
        var master = ProcessTree.Stat(Pid);
        text.AppendLine($"master {Pid}: {(master is { } m ? $"state {m.State}" : "gone")}");
        foreach (string dir in Directory.GetDirectories(Path.GetTempPath(), $"dotnetwsgi-{Pid}-*"))
        {
            text.AppendLine($"run dir {dir} (made {Directory.GetCreationTimeUtc(dir):HH:mm:ss.fff} UTC)");
            try
            {
                using var board = Scoreboard.Open(Path.Combine(dir, "scoreboard"));
                for (int id = 1; id <= board.Workers; id++)
                {
                    var slot = board.Slot(id);
                    var stat = ProcessTree.Stat((int)slot.Pid);
                    text.AppendLine($"  slot {id}: pid {slot.Pid} state {slot.State} generation {slot.Generation} requests {slot.Requests}"
                        + (stat is { } s ? $" (proc state {s.State}, parent {s.Parent})" : " (no such process)"));
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                text.AppendLine($"  scoreboard: {e.GetType().Name}: {e.Message}");
            }
        }
        foreach (int child in ProcessTree.Children(Pid))
            text.AppendLine($"child {child}: {(ProcessTree.Stat(child) is { } s ? $"state {s.State}" : "gone")}"
                + $" worker id {ProcessTree.EnvironmentVariable(child, WorkerContract.WorkerIdVar) ?? "-"}");
        var lines = Output;
        text.AppendLine($"last output lines ({lines.Count} in all):");
        foreach (string line in lines.Skip(Math.Max(0, lines.Count - 60))) text.AppendLine("  " + line);
        return text.ToString();
    }

    private static List<int> ScoreboardPids(string path)
    {
        try
        {
            using var board = Scoreboard.Open(path);
            return [.. Enumerable.Range(1, board.Workers).Select(id => (int)board.Slot(id).Pid).Where(pid => pid > 0)];
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return []; // not made yet, or removed by a master that is shutting down
        }
    }

    public void Dispose()
    {
        if (_process is not null)
        {
            WorkerPids(); // the workers of a master that is still up, in case they have left its tree
            _process.Dispose();
        }
        _http.Dispose();
        Repo.DeleteDir(Dir);
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Waits that return the instance itself (typed as the caller's fixture), for
/// `using var x = new ...().WaitServing();`. A wait that fails disposes the instance before it throws:
/// the `using` never received it, and its processes must still be ended.
/// </summary>
public static class MasterInstanceWaits
{
    /// <summary>Waits until a request to Port is answered; the master's exit fails at once with its output.</summary>
    /// <param name="daemon">The started process is a launcher that exits; the daemon behind it answers.</param>
    public static T WaitServing<T>(this T m, bool daemon = false) where T : MasterInstance => OrDispose(m, () => Wait.Until(() =>
    {
        if (!daemon && m.Process.HasExited) throw new InvalidOperationException($"master exited {m.Process.WaitForExit()}:\n{m.Output}");
        try { m.Get(m.ReadyPath); return true; } catch (HttpRequestException) { return false; }
    }, "the instance to answer"));

    public static T WaitForPort<T>(this T m, int port) where T : MasterInstance => OrDispose(m, () => m.Process.WaitForPort(port));

    public static T WaitForFile<T>(this T m, string path) where T : MasterInstance => OrDispose(m, () => m.Process.WaitForFile(path));

    private static T OrDispose<T>(T m, Action wait) where T : MasterInstance
    {
        try { wait(); }
        catch
        {
            m.Dispose();
            throw;
        }
        return m;
    }
}
