namespace DotnetWsgi.Worker.Logging;

/// <summary>What one finished request contributes to its log line (filled by the serving thread, reused).</summary>
public sealed class RequestLogEntry
{
    public int Pid;
    /// <summary>0 when the app ran, -1 when the request was rejected before it (limit-post, no app).</summary>
    public int AppId;
    /// <summary>Requests served by this worker (-1 without an app).</summary>
    public long WorkerRequests;
    /// <summary>Requests served by the whole instance.</summary>
    public long InstanceRequests;
    public string RemoteAddr = "";
    public string RemoteUser = "";
    /// <summary>Key and value entries (2 x vars), as uWSGI counts them.</summary>
    public int VarEntries;
    public int VarsBytes;
    public DateTimeOffset Start;
    public string Method = "";
    public string Uri = "";
    public long BodyBytes;
    public long DurationMicros;
    public string Protocol = "";
    public int Status;
    public int Headers;
    public int HeadBytes;
    public int Switches;
    public int Core;
}
