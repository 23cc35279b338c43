// pidfile / pidfile2: "<master pid>\n", written at start (and by fifo `P`), removed by vacuum only
// when it still holds our pid (another instance may have taken the path over).

namespace DotnetWsgi.Manager.Master;

public sealed class Pidfile(string path, int pid)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public void Write() => File.WriteAllText(Path, $"{pid}\n");

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
