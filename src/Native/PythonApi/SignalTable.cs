// uWSGI's signal framework, in shared memory (created by the master, mapped by workers, mules and
// the spooler), plus the user locks of uwsgi.lock(n).
//
// - 256 signal entries: the target a process registered the signal for (register_signal), and the
//   timer or cron entry that raises it (add_timer / add_rb_timer / add_cron). Every worker loads the
//   app itself, so every worker registers the same signals and timers: registration is idempotent
//   per signal number, which is what makes a @timer fire once per instance, not once per worker.
// - Mailboxes, one 256-bit set of pending signals each: "any worker", worker 1..W, "any mule",
//   mule 1..M, the spooler. Raise sets bits; a process's signal thread claims its bits with an
//   atomic and-not, so a signal for "any worker" runs in exactly one worker.
// - UserLocks robust mutexes for uwsgi.lock(n) (a crashed holder cannot leave one held).
//
// The master owns timers and cron (SignalTimers reads the entries every tick and raises);
// uwsgi.signal(n) raises directly from the calling process.

namespace DotnetWsgi.Native.PythonApi;

public enum SignalTargetKind : long { None = 0, AnyWorker, AllWorkers, Worker, AnyMule, AllMules, Mule, Spooler }
public enum SignalTimerKind : long { None = 0, Timer, RbTimer, Cron }

public readonly record struct SignalTarget(SignalTargetKind Kind, int Id)
{
    /// <summary>uWSGI's target strings: "" / worker / workers / active-workers / workerN / mule / mules / muleN / spooler.</summary>
    public static SignalTarget? Parse(string target) => target switch
    {
        "" or "worker" or "worker0" => new(SignalTargetKind.AnyWorker, 0),
        "workers" or "active-workers" => new(SignalTargetKind.AllWorkers, 0),
        "mule" or "mule0" => new(SignalTargetKind.AnyMule, 0),
        "mules" => new(SignalTargetKind.AllMules, 0),
        "spooler" or "spoolers" => new(SignalTargetKind.Spooler, 0),
        _ when target.StartsWith("worker", StringComparison.Ordinal) && int.TryParse(target.AsSpan(6), out int w) && w > 0 => new(SignalTargetKind.Worker, w),
        _ when target.StartsWith("mule", StringComparison.Ordinal) && int.TryParse(target.AsSpan(4), out int m) && m > 0 => new(SignalTargetKind.Mule, m),
        _ => null,
    };
}

/// <summary>A timer or cron entry as the master reads it. Cron fields: -1 any, -N every N, else the value.</summary>
public readonly record struct SignalTimer(int Signum, SignalTimerKind Kind, long Seconds, int Minute, int Hour, int Day, int Month, int Weekday);

public sealed unsafe partial class SignalTable : IDisposable
{
    public const int Signals = 256, UserLocks = 64;
    private const long Magic = 0x4c42545349474e44; // "DNGISTBL"
    private const int HeaderBytes = 64, EntryWords = 10, MaskWords = 4;

    private readonly SharedMemory _memory;
    private readonly long* _h;

    /// <summary>Worker mailboxes (the scoreboard's capacity) and mule mailboxes.</summary>
    public int Workers { get; }
    public int Mules { get; }

    private SignalTable(SharedMemory memory)
    {
        _memory = memory;
        _h = (long*)memory.Base;
        if (_h[0] != Magic) throw new InvalidDataException($"{memory.Path} is not a dotnetwsgi signal table");
        Workers = (int)_h[1];
        Mules = (int)_h[2];
    }

    private static long SizeFor(int workers, int mules)
        => HeaderBytes + (1 + UserLocks) * Libc_MutexBytes + Signals * EntryWords * 8L + Mailboxes(workers, mules) * MaskWords * 8L;

    private const int Libc_MutexBytes = Interop.Libc.MutexBytes;
    private static int Mailboxes(int workers, int mules) => 1 + workers + 1 + mules + 1;

    public static SignalTable Create(string path, int workers, int mules)
    {
        var memory = SharedMemory.Create(path, SizeFor(workers, mules));
        long* h = (long*)memory.Base;
        h[1] = workers; h[2] = mules;
        for (int i = 0; i <= UserLocks; i++) new SharedMutex(memory.Base + HeaderBytes + i * Libc_MutexBytes).Init();
        Volatile.Write(ref h[0], Magic);
        return new SignalTable(memory);
    }

    public static SignalTable Open(string path) => new(SharedMemory.Open(path));

    public void Dispose() => _memory.Dispose();

    private SharedMutex TableMutex => new(_memory.Base + HeaderBytes);

    /// <summary>uwsgi.lock(n)'s mutex, n in 0..UserLocks-1.</summary>
    public SharedMutex UserLock(int n)
    {
        if ((uint)n >= UserLocks) throw new ArgumentOutOfRangeException(nameof(n), n, $"lock number must be 0..{UserLocks - 1}");
        return new SharedMutex(_memory.Base + HeaderBytes + (1 + n) * Libc_MutexBytes);
    }

    // Entry words: [0] target kind, [1] target id, [2] timer kind, [3] seconds, [4..8] cron minute hour day month weekday.
    private long* Entry(int signum) => (long*)(_memory.Base + HeaderBytes + (1 + UserLocks) * Libc_MutexBytes) + signum * EntryWords;

    private long* Mask(int mailbox) => (long*)(_memory.Base + HeaderBytes + (1 + UserLocks) * Libc_MutexBytes + Signals * EntryWords * 8L) + mailbox * MaskWords;

    public int AnyWorkerBox => 0;
    public int WorkerBox(int id) => (uint)(id - 1) < (uint)Workers ? id : -1;
    public int AnyMuleBox => 1 + Workers;
    public int MuleBox(int id) => (uint)(id - 1) < (uint)Mules ? 1 + Workers + id : -1;
    public int SpoolerBox => 2 + Workers + Mules;
}
