namespace DotnetWsgi.Manager.Control;

// Placeholder replaced by the master work (issue 4): `--reload PIDFILE`, `--stop PIDFILE`.
public static class ControlCommands
{
    /// <summary>Graceful reload of the instance whose master pid is in pidfile. Returns the exit code.</summary>
    public static int Reload(string pidfile, TextWriter error) => throw new NotImplementedException();

    /// <summary>Graceful stop of the instance whose master pid is in pidfile. Returns the exit code.</summary>
    public static int Stop(string pidfile, TextWriter error) => throw new NotImplementedException();
}
