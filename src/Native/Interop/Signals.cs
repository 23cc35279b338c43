namespace DotnetWsgi.Native.Interop;

/// <summary>Linux x86_64/arm64 signal numbers, by uWSGI's names.</summary>
public static class Signals
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGKILL = 9;
    public const int SIGUSR1 = 10;
    public const int SIGUSR2 = 12;
    public const int SIGPIPE = 13;
    public const int SIGTERM = 15;
    public const int SIGCHLD = 17;
    public const int SIGCONT = 18;
    public const int SIGTSTP = 20;
    public const int SIGTTIN = 21;
    public const int SIGTTOU = 22;
    public const int SIGWINCH = 28;

    public static string Name(int signal) => signal switch
    {
        SIGHUP => "SIGHUP", SIGINT => "SIGINT", SIGQUIT => "SIGQUIT", SIGKILL => "SIGKILL",
        SIGUSR1 => "SIGUSR1", SIGUSR2 => "SIGUSR2", SIGPIPE => "SIGPIPE", SIGTERM => "SIGTERM",
        SIGCHLD => "SIGCHLD", SIGCONT => "SIGCONT", SIGTSTP => "SIGTSTP", SIGTTIN => "SIGTTIN",
        SIGTTOU => "SIGTTOU", SIGWINCH => "SIGWINCH", _ => $"signal {signal}",
    };
}
