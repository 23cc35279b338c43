// Registration (from any process), raising and claiming signals.

namespace DotnetWsgi.Native.PythonApi;

public sealed unsafe partial class SignalTable
{
    private static void CheckSignum(int signum)
    {
        if ((uint)signum >= Signals) throw new ArgumentOutOfRangeException(nameof(signum), signum, "signal numbers are 0..255");
    }

    public void Register(int signum, SignalTarget target)
    {
        CheckSignum(signum);
        using var _ = TableMutex.Hold();
        long* e = Entry(signum);
        e[1] = target.Id;
        Volatile.Write(ref e[0], (long)target.Kind);
    }

    public SignalTarget? TargetOf(int signum)
    {
        CheckSignum(signum);
        long* e = Entry(signum);
        var kind = (SignalTargetKind)Volatile.Read(ref e[0]);
        return kind == SignalTargetKind.None ? null : new SignalTarget(kind, (int)e[1]);
    }

    /// <summary>add_timer / add_rb_timer (seconds) and add_cron (fields): the same signal again replaces its entry.</summary>
    public void AddTimer(SignalTimer timer)
    {
        CheckSignum(timer.Signum);
        using var _ = TableMutex.Hold();
        long* e = Entry(timer.Signum);
        e[3] = timer.Seconds;
        e[4] = timer.Minute; e[5] = timer.Hour; e[6] = timer.Day; e[7] = timer.Month; e[8] = timer.Weekday;
        Volatile.Write(ref e[2], (long)timer.Kind);
    }

    /// <summary>Every timer and cron entry (master side, each tick).</summary>
    public List<SignalTimer> Timers()
    {
        var list = new List<SignalTimer>();
        using var _ = TableMutex.Hold();
        for (int s = 0; s < Signals; s++)
        {
            long* e = Entry(s);
            var kind = (SignalTimerKind)e[2];
            if (kind != SignalTimerKind.None)
                list.Add(new SignalTimer(s, kind, e[3], (int)e[4], (int)e[5], (int)e[6], (int)e[7], (int)e[8]));
        }
        return list;
    }

    /// <summary>
    /// Raises signum at its registered target. liveWorkers are the ids of the workers serving now
    /// (for "workers"). False when the signal has no registered target.
    /// </summary>
    public bool Raise(int signum, IEnumerable<int> liveWorkers)
    {
        if (TargetOf(signum) is not { } target) return false;
        switch (target.Kind)
        {
            case SignalTargetKind.AnyWorker: Post(AnyWorkerBox, signum); break;
            case SignalTargetKind.Worker: Post(WorkerBox(target.Id), signum); break;
            case SignalTargetKind.AllWorkers: foreach (int w in liveWorkers) Post(WorkerBox(w), signum); break;
            case SignalTargetKind.AnyMule: Post(AnyMuleBox, signum); break;
            case SignalTargetKind.Mule: Post(MuleBox(target.Id), signum); break;
            case SignalTargetKind.AllMules: for (int m = 1; m <= Mules; m++) Post(MuleBox(m), signum); break;
            case SignalTargetKind.Spooler: Post(SpoolerBox, signum); break;
        }
        return true;
    }

    private void Post(int mailbox, int signum)
    {
        if (mailbox < 0) return;
        Interlocked.Or(ref Mask(mailbox)[signum >> 6], 1L << (signum & 63));
    }

    /// <summary>Takes every pending signal of a mailbox (each one is taken by exactly one caller).</summary>
    public void Claim(int mailbox, List<int> into)
    {
        if (mailbox < 0) return;
        long* mask = Mask(mailbox);
        for (int w = 0; w < MaskWords; w++)
        {
            if (Volatile.Read(ref mask[w]) == 0) continue;
            long bits = Interlocked.Exchange(ref mask[w], 0);
            for (int b = 0; b < 64; b++)
                if ((bits & (1L << b)) != 0) into.Add(w * 64 + b);
        }
    }
}
