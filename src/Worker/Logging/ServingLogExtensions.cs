// The serving layer's recurring log events, worded once (call sites read `log.RequestRejected(...)`).

using Serilog;

namespace DotnetWsgi.Worker.Logging;

public static class ServingLogExtensions
{
    public static void RequestRejected(this ILogger log, int status, string reason, string peer)
        => log.Warning("request rejected with {Status}: {Reason} (peer {Peer})", status, reason, peer);

    public static void RequestLine(this ILogger log, string line) => log.Information("{RequestLine:l}", line);

    public static void BodyReadFailed(this ILogger log, string reason, string method, string uri, string peer)
        => log.Warning("[body-read] {Reason} during {Method} {Uri} (peer {Peer})", reason, method, uri, peer);

    public static void ResponseTruncated(this ILogger log, string method, string uri)
        => log.Warning("the app wrote more than its Content-Length during {Method} {Uri}: the excess was not sent and the connection closed", method, uri);

    public static void ClientGone(this ILogger log, string reason, string method, string uri, string peer)
        => log.Information("{Reason} during {Method} {Uri} ({Peer})", reason, method, uri, peer);

    public static void ServingFailed(this ILogger log, Exception ex, int core)
        => log.Error(ex, "serving thread {Core} failed on a connection", core);

    public static void AcceptFailed(this ILogger log, string listener, int errno)
        => log.Warning("accept() on {Listener} failed: errno {Errno}", listener, errno);

    public static void Recycling(this ILogger log, string reason, int pid)
    {
        log.Information("worker recycle: {Reason}", reason);
        log.Information("...The work of process {Pid} is done. Seeya!", pid);
    }
}
