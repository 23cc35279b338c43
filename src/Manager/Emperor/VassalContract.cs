// A vassal master dies with its Emperor: the Emperor starts each vassal with its pid in
// DOTNETWSGI_EMPEROR_PID, and the vassal asks the kernel for SIGTERM (its graceful stop) when its
// parent dies (PR_SET_PDEATHSIG), so a killed Emperor (SIGKILL, OOM) leaves no orphaned vassals
// serving on, as uWSGI's vassals stop when they lose their Emperor. The "parent" is the thread that
// started the vassal: the Emperor starts every vassal from its loop, on the main thread, which lives
// as long as the Emperor.

using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Emperor;

public static class VassalContract
{
    public const string EmperorPidVar = "DOTNETWSGI_EMPEROR_PID";

    /// <summary>In a vassal: ties its life to the Emperor's. False when the Emperor is already gone (the vassal must not start).</summary>
    public static bool BindToEmperor()
    {
        if (Environment.GetEnvironmentVariable(EmperorPidVar) is not { } value || !int.TryParse(value, out int emperor)) return true;
        Environment.SetEnvironmentVariable(EmperorPidVar, null); // its workers are not vassals
        Libc.SetParentDeathSignal(Signals.SIGTERM);
        return Libc.GetPpid() == emperor;
    }
}
