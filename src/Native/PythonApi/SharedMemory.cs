// A file mapped into memory by the master (Create) and by its workers, mules and spooler (Open):
// the backing of the shared cache, the signal table and the user locks. The master creates the
// file in its run directory and keeps it for its whole life, so what is in it survives reloads.

using System.IO.MemoryMappedFiles;

namespace DotnetWsgi.Native.PythonApi;

public sealed unsafe class SharedMemory : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private int _disposed;

    public byte* Base { get; }
    public long Size { get; }
    public string Path { get; }

    private SharedMemory(string path, long size)
    {
        Path = path;
        Size = size;
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, size, MemoryMappedFileAccess.ReadWrite);
        _view = _file.CreateViewAccessor();
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        Base = p + _view.PointerOffset;
    }

    /// <summary>Creates (truncating, zero-filled) a file of size bytes and maps it.</summary>
    public static SharedMemory Create(string path, long size)
    {
        using (var fs = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite))
            fs.SetLength(size);
        return new SharedMemory(path, size);
    }

    /// <summary>Maps an existing file whole.</summary>
    public static SharedMemory Open(string path)
        => new(path, new FileInfo(path).Length);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
