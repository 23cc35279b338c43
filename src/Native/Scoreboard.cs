// Overview
// The scoreboard: a memory-mapped file shared by the master and its workers, one fixed-size slot
// per worker and, inside it, one core record per request thread. A worker writes only its own
// slot; the master reads all of them (harakiri, max-requests accounting, stats, chain-reload
// readiness). Values are single aligned 64-bit words written with Volatile/Interlocked, so a
// reader never sees a torn value; a reader may see a slot mid-update across fields, which every
// consumer tolerates (they are counters and timestamps).
//
// Layout (little-endian, all fields 8 bytes), version LayoutVersion:
//   header  : magic, version, workers, cores-per-worker, slot size, core size, instance requests, reserved
//   slot[w] : pid, generation, state, requests, exceptions, tx bytes, running time us, avg rt us,
//             last spawn unix s, harakiri count, rss bytes, vsz bytes, recycle due (unix ms),
//             reserved x3
//             then core[c] : request start (unix ms, 0 = idle), requests, request info (URI text)
//             then stats extension (ExtWords): responses by status class 1xx..5xx, latency histogram
//             bucket counts (LatencyBucketsUs, then +Inf), latency sum us, connections closed for a
//             late request head (request-head-timeout / socket-timeout) (for /metrics; never reset)
// Open checks the header against this build's layout (version, slot and core sizes, file length):
// a worker of another build must fail to boot with a clear message, not read the wrong words.
// Bump LayoutVersion with every change of the layout above.
// A core's request info is RequestInfoBytes of "METHOD URI" (UTF-8, NUL-padded) for harakiri logs
// and USR2 reports; it is written before the request start is published.

using System.IO.MemoryMappedFiles;
using System.Text;

namespace DotnetWsgi.Native;

public enum WorkerSlotState : long
{
    Empty = 0,
    Starting = 1,
    /// <summary>App loaded, accept loops running.</summary>
    Accepting = 2,
    /// <summary>Graceful stop in progress: not accepting, finishing in-flight requests.</summary>
    Stopping = 3,
}

public sealed unsafe class Scoreboard : IDisposable
{
    private const long Magic = 0x44574e5453434f52; // "DWNTSCOR"
    /// <summary>Layout version written by Create and required by Open (2: recycle-due word).</summary>
    public const long LayoutVersion = 2;
    private const int HeaderWords = 8;
    private const int SlotWords = 16;
    private const int CoreWords = 2;
    public const int RequestInfoBytes = 240;
    private const int CoreBytes = CoreWords * 8 + RequestInfoBytes;
    internal const int ExtWords = 24;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private int _disposed;

    public int Workers { get; }
    public int CoresPerWorker { get; }
    public string Path { get; }
    private int SlotBytes => SlotBytesFor(CoresPerWorker);
    private static int SlotBytesFor(long cores) => (int)(SlotWords * 8 + cores * CoreBytes + ExtWords * 8);

    private Scoreboard(string path, MemoryMappedFile file, int workers, int cores)
    {
        Path = path;
        _file = file;
        Workers = workers;
        CoresPerWorker = cores;
        _view = file.CreateViewAccessor();
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _base = p + _view.PointerOffset;
    }

    /// <summary>Creates (truncating) a scoreboard file for the master.</summary>
    public static Scoreboard Create(string path, int workers, int coresPerWorker)
    {
        long size = HeaderWords * 8 + (long)workers * SlotBytesFor(coresPerWorker);
        using (var fs = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite))
            fs.SetLength(size);
        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, size, MemoryMappedFileAccess.ReadWrite);
        var sb = new Scoreboard(path, file, workers, coresPerWorker);
        long* h = (long*)sb._base;
        h[1] = LayoutVersion; h[2] = workers; h[3] = coresPerWorker; h[4] = sb.SlotBytes; h[5] = CoreBytes;
        Volatile.Write(ref h[0], Magic);
        return sb;
    }

    /// <summary>Opens an existing scoreboard (worker side). Throws InvalidDataException naming what does
    /// not match this build's layout.</summary>
    public static Scoreboard Open(string path)
    {
        long workers, cores;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            Span<byte> header = stackalloc byte[HeaderWords * 8];
            if (fs.Length < header.Length) throw new InvalidDataException($"{path} is not a dotnetwsgi scoreboard (only {fs.Length} bytes)");
            fs.ReadExactly(header);
            if (BitConverter.ToInt64(header) != Magic) throw new InvalidDataException($"{path} is not a dotnetwsgi scoreboard");
            long version = BitConverter.ToInt64(header[8..]);
            if (version != LayoutVersion)
                throw new InvalidDataException($"{path}: scoreboard layout version {version}, this build reads version {LayoutVersion} (master and worker are different builds)");
            workers = BitConverter.ToInt64(header[16..]);
            cores = BitConverter.ToInt64(header[24..]);
            long slotBytes = BitConverter.ToInt64(header[32..]), coreBytes = BitConverter.ToInt64(header[40..]);
            if (workers < 1 || cores < 1 || coreBytes != CoreBytes || slotBytes != SlotBytesFor(cores))
                throw new InvalidDataException($"{path}: scoreboard slot size {slotBytes} / core size {coreBytes} for {cores} cores does not match this build's {SlotBytesFor(Math.Max(cores, 1))} / {CoreBytes}");
            long expected = HeaderWords * 8 + workers * slotBytes;
            if (fs.Length < expected)
                throw new InvalidDataException($"{path}: scoreboard is {fs.Length} bytes, its header needs {expected}");
        }
        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
        return new Scoreboard(path, file, (int)workers, (int)cores);
    }

    /// <summary>Total requests of the whole instance (the B of uWSGI's "req: A/B").</summary>
    public long InstanceRequests => Volatile.Read(ref ((long*)_base)[6]);
    public long IncrementInstanceRequests() => Interlocked.Increment(ref ((long*)_base)[6]);

    /// <summary>Slot of worker id (1-based).</summary>
    public WorkerSlot Slot(int workerId)
    {
        if (workerId < 1 || workerId > Workers) throw new ArgumentOutOfRangeException(nameof(workerId), workerId, $"1..{Workers}");
        return new WorkerSlot(_base + HeaderWords * 8 + (long)(workerId - 1) * SlotBytes, CoresPerWorker);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}

/// <summary>A view of one worker's slot. Cheap to copy; valid while the Scoreboard lives.</summary>
public readonly unsafe struct WorkerSlot
{
    private readonly long* _p;
    private readonly int _cores;

    internal WorkerSlot(byte* p, int cores) { _p = (long*)p; _cores = cores; }

    public long Pid { get => Volatile.Read(ref _p[0]); set => Volatile.Write(ref _p[0], value); }
    public long Generation { get => Volatile.Read(ref _p[1]); set => Volatile.Write(ref _p[1], value); }
    public WorkerSlotState State { get => (WorkerSlotState)Volatile.Read(ref _p[2]); set => Volatile.Write(ref _p[2], (long)value); }
    public long Requests => Volatile.Read(ref _p[3]);
    public long Exceptions => Volatile.Read(ref _p[4]);
    public long TxBytes => Volatile.Read(ref _p[5]);
    public long RunningTimeUs => Volatile.Read(ref _p[6]);
    public long AvgResponseTimeUs => Volatile.Read(ref _p[7]);
    public long LastSpawnUnix { get => Volatile.Read(ref _p[8]); set => Volatile.Write(ref _p[8], value); }
    public long HarakiriCount => Volatile.Read(ref _p[9]);
    public long RssBytes { get => Volatile.Read(ref _p[10]); set => Volatile.Write(ref _p[10], value); }
    public long VszBytes { get => Volatile.Read(ref _p[11]); set => Volatile.Write(ref _p[11], value); }

    /// <summary>Unix ms at which the worker asked to be recycled (max-requests, reload-on-rss/as), 0 when not.
    /// The worker keeps serving; the master starts its replacement and retires it once that one accepts.</summary>
    public long RecycleDueMs { get => Volatile.Read(ref _p[12]); set => Volatile.Write(ref _p[12], value); }

    public void AddHarakiri() => Interlocked.Increment(ref _p[9]);

    /// <summary>Upper bounds (µs) of the latency histogram buckets; a last bucket counts everything slower.</summary>
    public static ReadOnlySpan<long> LatencyBucketsUs => [5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000];

    private long* Ext => (long*)((byte*)(_p + 16) + _cores * (2 * 8 + Scoreboard.RequestInfoBytes));

    /// <summary>Responses with status class N xx (1..5) since the scoreboard was created.</summary>
    public long ResponsesOfClass(int statusClass)
        => (uint)(statusClass - 1) < 5 ? Volatile.Read(ref Ext[statusClass - 1]) : 0;

    /// <summary>Requests that took at most LatencyBucketsUs[i] and more than the bound before it (i == Length: slower).</summary>
    public long LatencyBucketCount(int bucket)
        => (uint)bucket <= (uint)LatencyBucketsUs.Length ? Volatile.Read(ref Ext[5 + bucket]) : 0;

    /// <summary>Sum of the durations the histogram counted, µs.</summary>
    public long LatencySumUs => Volatile.Read(ref Ext[5 + LatencyBucketsUs.Length + 1]);

    /// <summary>Connections closed with 408 because their request head did not arrive in time.</summary>
    public long HeadTimeouts => Volatile.Read(ref Ext[5 + LatencyBucketsUs.Length + 2]);

    public void AddHeadTimeout() => Interlocked.Increment(ref Ext[5 + LatencyBucketsUs.Length + 2]);

    /// <summary>Counts a response by status class and duration (worker side, after the response, next to RecordRequest).</summary>
    public void RecordResponse(int status, long durationUs)
    {
        int statusClass = status / 100;
        if ((uint)(statusClass - 1) < 5) Interlocked.Increment(ref Ext[statusClass - 1]);
        var bounds = LatencyBucketsUs;
        int b = 0;
        while (b < bounds.Length && durationUs > bounds[b]) b++;
        Interlocked.Increment(ref Ext[5 + b]);
        Interlocked.Add(ref Ext[5 + bounds.Length + 1], durationUs);
    }

    /// <summary>Records a finished request (worker side).</summary>
    public void RecordRequest(long txBytes, long durationUs, bool exception)
    {
        Interlocked.Increment(ref _p[3]);
        if (exception) Interlocked.Increment(ref _p[4]);
        Interlocked.Add(ref _p[5], txBytes);
        Interlocked.Add(ref _p[6], durationUs);
        long avg = Volatile.Read(ref _p[7]);
        Volatile.Write(ref _p[7], avg == 0 ? durationUs : (avg + durationUs) / 2);
    }

    /// <summary>Clears the slot for a new process (master side, before spawning).</summary>
    public void Reset(long generation, long spawnUnix)
    {
        Volatile.Write(ref _p[0], 0);
        Volatile.Write(ref _p[1], generation);
        Volatile.Write(ref _p[2], (long)WorkerSlotState.Starting);
        for (int i = 10; i < 16; i++) Volatile.Write(ref _p[i], 0);
        Volatile.Write(ref _p[8], spawnUnix);
        for (int c = 0; c < _cores; c++) Core(c).Clear();
    }

    public int Cores => _cores;

    public CoreSlot Core(int coreId)
    {
        if ((uint)coreId >= (uint)_cores) throw new ArgumentOutOfRangeException(nameof(coreId));
        return new CoreSlot((byte*)(_p + 16) + coreId * (2 * 8 + Scoreboard.RequestInfoBytes));
    }
}

/// <summary>One request thread's record.</summary>
public readonly unsafe struct CoreSlot
{
    private readonly long* _p;
    internal CoreSlot(byte* p) { _p = (long*)p; }

    /// <summary>Unix time in ms when the current request started, 0 when idle.</summary>
    public long RequestStartMs => Volatile.Read(ref _p[0]);
    public long Requests => Volatile.Read(ref _p[1]);

    /// <summary>"METHOD URI" of the current (or last) request.</summary>
    public string RequestInfo
    {
        get
        {
            var span = new ReadOnlySpan<byte>(_p + 2, Scoreboard.RequestInfoBytes);
            int end = span.IndexOf((byte)0);
            return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
        }
    }

    /// <summary>Marks the start of a request (worker side). info is "METHOD URI", truncated to fit.</summary>
    public void BeginRequest(long startUnixMs, ReadOnlySpan<byte> method, ReadOnlySpan<byte> uri)
    {
        var dst = new Span<byte>(_p + 2, Scoreboard.RequestInfoBytes);
        dst.Clear();
        int n = Math.Min(method.Length, dst.Length - 1);
        method[..n].CopyTo(dst);
        if (n + 1 < dst.Length - 1)
        {
            dst[n] = (byte)' ';
            int m = Math.Min(uri.Length, dst.Length - 1 - (n + 1));
            uri[..m].CopyTo(dst[(n + 1)..]);
        }
        Volatile.Write(ref _p[0], startUnixMs);
    }

    public void EndRequest()
    {
        Volatile.Write(ref _p[0], 0);
        Interlocked.Increment(ref _p[1]);
    }

    internal void Clear()
    {
        Volatile.Write(ref _p[0], 0);
        Volatile.Write(ref _p[1], 0);
        new Span<byte>(_p + 2, Scoreboard.RequestInfoBytes).Clear();
    }
}
