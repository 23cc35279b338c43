// pidfile / pidfile2: "<master pid>\n", written at start (and by fifo `P`), removed by vacuum only
// when it still holds our pid (another instance may have taken the path over). A pidfile that cannot
// be written at start stops the start-up (exit 1), as in uWSGI: an instance running without it could
// not be found by `--stop` / `--reload` later. A failed rewrite by fifo `P` is only logged.

namespace DotnetWsgi.Manager.Master;

public sealed class Pidfile(string path, int pid)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public void Write() => File.WriteAllText(Path, $"{pid}\n");

    /// <summary>Writes at start-up: a failure (missing dir, read-only dir or file system, no permission) is a start-up error.</summary>
    public void WriteAtStartup()
    {
        try { Write(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MasterStartupException(FailureMessage(e));
        }
    }

    public string FailureMessage(Exception e) => $"could not write pidfile {Path}: {e.Message}";

    /// <summary>Removes the file if it still holds this pid. Returns true if removed.</summary>
    public bool RemoveIfOurs()
    {
        try
        {
            if (File.ReadAllText(Path).Trim() != pid.ToString()) return false;
            File.Delete(Path);
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}
