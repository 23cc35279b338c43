// Overview
// Start-up phase timing. Every process (master and worker) starts the clock first thing in Main;
// the phases (sockets bound, workers spawned, Python initialised, app imported, accepting) are logged
// at debug level with the milliseconds since then, when DOTNETWSGI_DEBUG=1 is in the environment
// (workers inherit it from the master).

using System.Diagnostics;

namespace DotnetWsgi.Native;

public static class StartupClock
{
    public const string DebugVar = "DOTNETWSGI_DEBUG";

    private static long _start = Stopwatch.GetTimestamp();

    /// <summary>Called first thing in Main: the phases are measured from here.</summary>
    public static void Start() => _start = Stopwatch.GetTimestamp();

    /// <summary>Milliseconds since Main began.</summary>
    public static long ElapsedMs => (long)Stopwatch.GetElapsedTime(_start).TotalMilliseconds;

    /// <summary>Whether debug logging (the phase lines among others) is on.</summary>
    public static bool DebugEnabled => Environment.GetEnvironmentVariable(DebugVar) is { Length: > 0 } v && v != "0";
}
