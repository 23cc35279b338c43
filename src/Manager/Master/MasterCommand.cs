// Overview
// Signals and master-fifo bytes are two front ends to one command set: CommandTable is the one
// table mapping each signal number and each fifo byte to a MasterCommand, and the master runs the
// same handler whichever way a command arrived (as uWSGI's fifo 'r' runs the SIGHUP reload).
// Fifo bytes '0'-'9' (slot switching) belong to the fifo itself and are not commands.

using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Master;

public enum MasterCommand
{
    /// <summary>Re-read the configuration, start a new generation, drain the old one (HUP, `r`).</summary>
    GracefulReload,
    /// <summary>Re-read the configuration, stop the old workers at once (`R`).</summary>
    BrutalReload,
    /// <summary>New workers, same configuration, new app code; old ones drain (`w`, touch-workers-reload).</summary>
    WorkersReload,
    /// <summary>New workers, old ones stopped at once (`W`).</summary>
    BrutalWorkersReload,
    /// <summary>Replace workers one at a time, each replacement ready before its victim stops (`c`).</summary>
    ChainReload,
    /// <summary>Stop: finish in-flight requests within the mercy (TERM, INT, `q`); a second one stops at once.</summary>
    GracefulStop,
    /// <summary>Stop at once (QUIT, `Q`).</summary>
    StopNow,
    /// <summary>Request counters per worker to the log (USR1, `s`).</summary>
    Stats,
    /// <summary>What each worker is doing now (USR2).</summary>
    WorkerStatus,
    /// <summary>Reopen the logto file (`l`).</summary>
    ReopenLog,
    /// <summary>Rotate the logto file (`L`).</summary>
    RotateLog,
    /// <summary>Pause or resume the workers (TSTP, `p`).</summary>
    TogglePause,
    /// <summary>Rewrite the pidfiles (`P`).</summary>
    WritePidfiles,
    /// <summary>One more worker (TTIN, `+`).</summary>
    AddWorker,
    /// <summary>One fewer worker (TTOU, `-`).</summary>
    RemoveWorker,
}

public static class CommandTable
{
    private readonly record struct Row(MasterCommand Command, int Signal, char FifoByte);

    private const int NoSignal = 0;
    private const char NoByte = '\0';

    private static readonly Row[] Rows =
    [
        new(MasterCommand.GracefulReload, Signals.SIGHUP, 'r'),
        new(MasterCommand.BrutalReload, NoSignal, 'R'),
        new(MasterCommand.WorkersReload, NoSignal, 'w'),
        new(MasterCommand.BrutalWorkersReload, NoSignal, 'W'),
        new(MasterCommand.ChainReload, NoSignal, 'c'),
        new(MasterCommand.GracefulStop, Signals.SIGTERM, 'q'),
        new(MasterCommand.GracefulStop, Signals.SIGINT, NoByte),
        new(MasterCommand.StopNow, Signals.SIGQUIT, 'Q'),
        new(MasterCommand.Stats, Signals.SIGUSR1, 's'),
        new(MasterCommand.WorkerStatus, Signals.SIGUSR2, NoByte),
        new(MasterCommand.ReopenLog, NoSignal, 'l'),
        new(MasterCommand.RotateLog, NoSignal, 'L'),
        new(MasterCommand.TogglePause, Signals.SIGTSTP, 'p'),
        new(MasterCommand.WritePidfiles, NoSignal, 'P'),
        new(MasterCommand.AddWorker, Signals.SIGTTIN, '+'),
        new(MasterCommand.RemoveWorker, Signals.SIGTTOU, '-'),
    ];

    /// <summary>Every signal the master handles.</summary>
    public static IEnumerable<int> HandledSignals => Rows.Where(r => r.Signal != NoSignal).Select(r => r.Signal);

    public static MasterCommand? FromSignal(int signal)
    {
        foreach (var row in Rows)
            if (row.Signal == signal) return row.Command;
        return null;
    }

    /// <summary>The command for a fifo byte; null for unknown bytes (e.g. echo's newline), which are ignored.</summary>
    public static MasterCommand? FromFifoByte(byte b)
    {
        foreach (var row in Rows)
            if (row.FifoByte != NoByte && row.FifoByte == b) return row.Command;
        return null;
    }
}
