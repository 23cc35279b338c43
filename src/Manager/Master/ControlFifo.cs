// Overview
// master-fifo (uWSGI §3): one or more fifo paths; only the current slot (initially the first) exists
// and is read. A reader thread blocks in open() until a writer comes, reads single-byte commands
// until the writer closes, then deletes and re-creates the fifo of the current slot. Bytes '0'-'9'
// select the slot (taking effect at that re-creation); other bytes go through CommandTable and are
// enqueued; unknown bytes (echo's newline) are ignored. The thread only enqueues: the master loop acts.

using DotnetWsgi.Native.Interop;
using Serilog;

namespace DotnetWsgi.Manager.Master;

public sealed class ControlFifo : IDisposable
{
    private readonly IReadOnlyList<string> _paths;
    private readonly Action<MasterCommand, string> _enqueue;
    private readonly ILogger _log;
    private readonly HashSet<string> _created = [];
    private readonly Thread _thread;
    private volatile bool _stopping;
    private int _slot;

    public ControlFifo(IEnumerable<string> paths, Action<MasterCommand, string> enqueue, ILogger log)
    {
        _paths = paths.Select(Path.GetFullPath).ToList();
        if (_paths.Count == 0) throw new ArgumentException("no master-fifo path", nameof(paths));
        _enqueue = enqueue;
        _log = log;
        Create(_paths[0]);
        _thread = new Thread(ReadLoop) { IsBackground = true, Name = "master-fifo" };
    }

    public string CurrentPath => _paths[_slot];

    public void Start() => _thread.Start();

    private void Create(string path)
    {
        File.Delete(path);
        int result = Libc.MkFifo(path, 0b110_000_000); // 0600, as uWSGI
        if (result != 0) throw new MasterStartupException($"cannot create master-fifo {path}: {new NativeException("mkfifo", result).Message}");
        _created.Add(path);
    }

    private void ReadLoop()
    {
        while (!_stopping)
        {
            try
            {
                ReadUntilWriterCloses(CurrentPath);
                if (_stopping) return;
                Create(CurrentPath); // the re-create is when a slot switch takes effect
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or MasterStartupException)
            {
                if (_stopping) return;
                _log.Error("master-fifo {Path}: {Reason}", CurrentPath, e.Message);
                Thread.Sleep(1000); // do not spin on a persistent error
            }
        }
    }

    private void ReadUntilWriterCloses(string path)
    {
        using var fifo = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
        int b;
        while ((b = fifo.ReadByte()) >= 0 && !_stopping)
        {
            if (b is >= '0' and <= '9') SelectSlot(b - '0');
            else if (CommandTable.FromFifoByte((byte)b) is MasterCommand command) _enqueue(command, $"master-fifo '{(char)b}'");
        }
    }

    private void SelectSlot(int slot)
    {
        _slot = slot < _paths.Count ? slot : 0;
        _log.Information("active master fifo is now {Path}", CurrentPath);
    }

    /// <summary>Paths of the fifos this instance created (vacuum removes them).</summary>
    public IEnumerable<string> CreatedPaths => _created;

    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        // The reader may be blocked in open(): become a writer for a moment to release it.
        if (_thread.IsAlive)
        {
            var release = Task.Run(() => { try { using var w = new FileStream(CurrentPath, FileMode.Open, FileAccess.Write); } catch (IOException) { } });
            release.Wait(TimeSpan.FromSeconds(2));
            _thread.Join(TimeSpan.FromSeconds(2));
        }
    }
}
