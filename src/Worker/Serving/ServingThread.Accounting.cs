// After each request: scoreboard accounting, the request log line and the recycle check.

using System.Text;
using DotnetWsgi.Native;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Logging;

namespace DotnetWsgi.Worker.Serving;

public sealed partial class ServingThread
{
    private void Account(RequestLine line, RequestVars vars, int appId, DateTimeOffset start, TimeSpan elapsed)
    {
        long micros = (long)elapsed.TotalMicroseconds;
        _server.Slot.RecordRequest(_response.HeadBytes + _response.BodyBytes, micros, _ctx.AppFailed);
        int status = _response.StatusCode;
        _server.Slot.RecordResponse(status, micros);
        long instance = _server.Scoreboard.IncrementInstanceRequests();
        long workerRequests = appId < 0 ? -1 : _server.CountRequest();
        var logVars = RequestLogVars.Take();
        if (_logFormatter.ShouldLog(status))
        {
            var e = _logEntry;
            e.LogVars = logVars;
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
            if (_server.Options.MemoryReport) (e.RssBytes, e.VszBytes) = ProcFs.Default.SelfMemory() ?? (0, 0);
            _server.Log.RequestLine(_logFormatter.Format(e));
            e.Vars = null;
        }
        _server.AfterRequest(workerRequests);
    }
}
