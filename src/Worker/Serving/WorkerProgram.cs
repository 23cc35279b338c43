namespace DotnetWsgi.Worker.Serving;

// Placeholder replaced by the worker work (issue 3): the worker process entry point.
public static class WorkerProgram
{
    public static int Run() => throw new NotImplementedException("worker not built yet");
}
