// Between requests: accounting and the request log line after each one, and the keep-alive wait
// before the next. A keep-alive connection that goes idle while other clients wait in the shared
// backlog is closed (an idle connection may be closed at any time in HTTP/1.1), so a thread is never
// held by a client that is not sending anything while someone else queues.

using System.Text;
using DotnetWsgi.Native.Interop;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Logging;

namespace DotnetWsgi.Worker.Serving;

public sealed unsafe partial class ServingThread
{
    /// <summary>How long an idle keep-alive client may take to send its next request when others queue.</summary>
    private const int IdleGraceMs = 2;

    private void Account(RequestLine line, RequestVars vars, int appId, DateTimeOffset start, TimeSpan elapsed)
    {
        long micros = (long)elapsed.TotalMicroseconds;
        _server.Slot.RecordRequest(_response.HeadBytes + _response.BodyBytes, micros, _ctx.AppFailed);
        int status = _response.StatusCode;
        _server.Slot.RecordResponse(status, micros);
        long instance = _server.Scoreboard.IncrementInstanceRequests();
        long workerRequests = appId < 0 ? -1 : _server.CountRequest();
        if (_logFormatter.ShouldLog(status))
        {
            var e = _logEntry;
            e.Pid = _server.Pid;
            e.AppId = appId;
            e.WorkerRequests = workerRequests;
            e.InstanceRequests = instance;
            e.RemoteAddr = vars.TryGet("REMOTE_ADDR"u8, out var addr) ? Encoding.Latin1.GetString(addr) : "";
            e.RemoteUser = vars.TryGet("REMOTE_USER"u8, out var user) ? Encoding.Latin1.GetString(user) : "";
            e.VarEntries = vars.Count * 2;
            e.VarsBytes = vars.BlockSize;
            e.Start = start;
            e.Method = Encoding.Latin1.GetString(line.Method(vars));
            e.Uri = Encoding.Latin1.GetString(line.Uri(vars));
            e.BodyBytes = _response.BodyBytes;
            e.DurationMicros = micros;
            e.Protocol = Encoding.Latin1.GetString(line.Protocol(vars));
            e.Status = status;
            e.Headers = _response.HeaderCount;
            e.HeadBytes = _response.HeadBytes;
            e.Switches = _ctx.Chunks > 0 ? _ctx.Chunks : _response.Writes;
            e.Core = _core;
            e.WorkerId = _server.WorkerId;
            e.Vars = vars;
            if (_server.Options.MemoryReport) (e.RssBytes, e.VszBytes) = ProcessMemory.Current();
            _server.Log.RequestLine(_logFormatter.Format(e));
            e.Vars = null;
        }
        _server.AfterRequest(workerRequests);
    }

    /// <summary>
    /// Waits for the next request on a keep-alive connection. False: close it (idle timeout, stop
    /// requested, or idle while other connections wait to be accepted).
    /// </summary>
    private bool AwaitNextRequest()
    {
        if (_conn.Buffered > 0) return true; // pipelined
        var listeners = _server.Listeners;
        int n = 2 + listeners.Count;
        var fds = stackalloc Libc.PollFd[n];
        long deadline = _conn.Deadline();
        while (!_server.Lifetime.StopRequested)
        {
            fds[0] = new Libc.PollFd { Fd = _conn.Fd, Events = Libc.POLLIN };
            fds[1] = new Libc.PollFd { Fd = _server.Lifetime.WakeFd, Events = Libc.POLLIN };
            for (int i = 0; i < listeners.Count; i++) fds[2 + i] = new Libc.PollFd { Fd = listeners[i].Fd, Events = Libc.POLLIN };
            long left = deadline - Environment.TickCount64;
            if (left <= 0) return false;
            int r = Libc.Poll(fds, n, (int)left);
            if (r < 0) continue; // EINTR
            if (r == 0) return false;
            if (fds[0].Revents != 0) return true; // data, or EOF/error that the next read reports
            if (fds[1].Revents != 0) return false;
            if (_conn.Wait(Libc.POLLIN, Environment.TickCount64 + IdleGraceMs) == ReceiveStatus.Data) return true;
            if (AnyListenerReadable(fds + 2, listeners.Count)) return false; // yield the thread to a waiting client
        }
        return false;
    }

    private static bool AnyListenerReadable(Libc.PollFd* fds, int count)
    {
        for (int i = 0; i < count; i++) fds[i].Revents = 0;
        return Libc.Poll(fds, count, 0) > 0;
    }
}
