using DotnetWsgi.Worker.Hosting;

namespace DotnetWsgi.Worker.Logging;

/// <summary>What one finished request contributes to its log line (filled by the serving thread, reused).</summary>
public sealed class RequestLogEntry
{
    public int Pid;
    /// <summary>uwsgi.set_logvar values of this request (`%(key)` in log-format), or null.</summary>
    public Dictionary<string, string>? LogVars;
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
    /// <summary>Worker id (`%(wid)`).</summary>
    public int WorkerId;
    /// <summary>Process memory after the request, filled only with memory-report (`%(rss)`, `%(vsz)`), else 0 as uWSGI.</summary>
    public long RssBytes;
    public long VszBytes;
    /// <summary>The request's vars for `%(var.NAME)`, host, uagent, referer, cl; valid only while the line is formatted.</summary>
    public RequestVars? Vars;
}
