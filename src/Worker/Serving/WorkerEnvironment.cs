// The worker contract as read from the environment the master sets (see WorkerContract).

using DotnetWsgi.Config.Options;
using DotnetWsgi.Native;

namespace DotnetWsgi.Worker.Serving;

public sealed record WorkerEnvironment(int WorkerId, long Generation, string OptionsPath, IReadOnlyList<int> Fds,
    string ScoreboardPath, int MasterPid)
{
    /// <summary>Reads the contract; throws FormatException naming the variable that is missing or wrong.</summary>
    public static WorkerEnvironment FromProcess() => From(Environment.GetEnvironmentVariable);

    public static WorkerEnvironment From(Func<string, string?> get)
    {
        int id = ParseInt(get, WorkerContract.WorkerIdVar, required: true);
        long generation = ParseInt(get, WorkerContract.GenerationVar, required: false);
        string config = Required(get, WorkerContract.ConfigVar);
        string scoreboard = Required(get, WorkerContract.ScoreboardVar);
        int masterPid = ParseInt(get, WorkerContract.MasterPidVar, required: false);
        var fds = new List<int>();
        foreach (var part in Required(get, WorkerContract.FdsVar).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, out int fd) || fd < 0)
                throw new FormatException($"{WorkerContract.FdsVar} has an invalid fd \"{part}\"");
            fds.Add(fd);
        }
        return new WorkerEnvironment(id, generation, config, fds, scoreboard, masterPid);
    }

    /// <summary>The libpython record shared by this instance's workers: beside the options, in the master's run directory.</summary>
    public string LibPythonCachePath => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(OptionsPath)) ?? ".", "libpython");

    /// <summary>Pairs the inherited fds with the sockets of the options (same order).</summary>
    public List<Listener> Listeners(ServerOptions options)
    {
        if (Fds.Count != options.Sockets.Count)
            throw new FormatException($"{WorkerContract.FdsVar} lists {Fds.Count} fds but the options declare {options.Sockets.Count} sockets");
        return Fds.Select((fd, i) => new Listener(fd, options.Sockets[i])).ToList();
    }

    private static string Required(Func<string, string?> get, string name)
        => get(name) is { Length: > 0 } value ? value : throw new FormatException($"{name} is not set");

    private static int ParseInt(Func<string, string?> get, string name, bool required)
    {
        var value = get(name);
        if (string.IsNullOrEmpty(value))
            return required ? throw new FormatException($"{name} is not set") : 0;
        return int.TryParse(value, out int n) && n >= 0 ? n : throw new FormatException($"{name} is not a number: \"{value}\"");
    }
}
