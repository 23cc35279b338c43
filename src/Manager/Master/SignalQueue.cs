// The master's signal handlers: each signal of CommandTable is registered with
// PosixSignalRegistration; the handler cancels the default action and enqueues, nothing more (no
// logging, no state): the master loop acts on it. SIGUSR1/SIGUSR2 are passed as raw numbers.

using System.Runtime.InteropServices;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Master;

public sealed class SignalQueue : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];

    public SignalQueue(Action<MasterCommand, string> enqueue)
    {
        foreach (int signal in CommandTable.HandledSignals.Distinct())
        {
            var command = CommandTable.FromSignal(signal)!.Value;
            string name = Signals.Name(signal);
            _registrations.Add(PosixSignalRegistration.Create(ToPosixSignal(signal), ctx =>
            {
                ctx.Cancel = true;
                enqueue(command, name);
            }));
        }
    }

#pragma warning disable CA1416 // dotnetwsgi runs on Linux only; these signals exist there
    private static PosixSignal ToPosixSignal(int signal) => signal switch
    {
        Signals.SIGHUP => PosixSignal.SIGHUP,
        Signals.SIGINT => PosixSignal.SIGINT,
        Signals.SIGQUIT => PosixSignal.SIGQUIT,
        Signals.SIGTERM => PosixSignal.SIGTERM,
        Signals.SIGTSTP => PosixSignal.SIGTSTP,
        Signals.SIGTTIN => PosixSignal.SIGTTIN,
        Signals.SIGTTOU => PosixSignal.SIGTTOU,
        _ => (PosixSignal)signal, // raw numbers (USR1, USR2) pass through to the native layer
    };
#pragma warning restore CA1416

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _registrations.Clear();
    }
}
