// One request on a connection: read and parse the head within socket-timeout, reject what cannot be
// served (answering, never just hanging up), run the app, then account and log the request.

using System.Diagnostics;
using System.Text;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Logging;
using DotnetWsgi.Worker.Protocol;

namespace DotnetWsgi.Worker.Serving;

/// <summary>HeadPending: part of a head arrived and the client paused; the connection is to be parked with it.</summary>
public enum RequestOutcome { KeepAlive, Close, CloseWithUnreadInput, HeadPending }

public sealed partial class ServingThread
{
    /// <summary>Unread body bytes we are willing to discard to keep a connection alive.</summary>
    private const long MaxDrainBytes = 64 * 1024;

    /// <summary>
    /// Reads and parses one head, then serves the request. The head is read without waiting: when
    /// the client pauses in the middle of it, the connection is parked with the bytes so far
    /// (HeadPending) and resumed when it speaks again, so a slow client (slowloris) never holds the
    /// thread. The whole head must arrive within request-head-timeout of its first byte (_headDeadline
    /// carries it across parking). Retiring, the thread waits instead (it accepts nothing else).
    /// </summary>
    private RequestOutcome ServeOneRequest()
    {
        _conn.Compact();
        long now = Environment.TickCount64;
        long deadline = now + _conn.TimeoutMs;
        long headDeadline = _headDeadline != 0 ? _headDeadline : now + _headTimeoutMs;
        _headDeadline = 0;
        HttpRequestHead head;
        while (true)
        {
            var r = Parse(out head);
            if (r.Status == ParseStatus.Done)
            {
                _conn.Start += r.Consumed;
                break;
            }
            if (r.Status == ParseStatus.Error) return Reject(r.ErrorStatus, r.Reason!);
            bool stopping = _server.Lifetime.StopRequested;
            var status = _conn.ReceiveMore(stopping ? Math.Min(deadline, headDeadline) : 0); // 0: no wait
            if (status == ReceiveStatus.Data) continue;
            if (_conn.Buffered == 0) return RequestOutcome.Close; // idle or gone before a request began
            if (status != ReceiveStatus.TimedOut) return RequestOutcome.Close; // the client vanished mid-head: nobody to answer
            if (stopping || Environment.TickCount64 >= headDeadline)
            {
                _server.HeadTimeouts.Expire(_conn.Fd, _conn.Listener, total: Environment.TickCount64 >= headDeadline, close: false);
                return RequestOutcome.Close;
            }
            _headDeadline = headDeadline;
            return RequestOutcome.HeadPending;
        }
        return HandleRequest(in head);
    }

    private ParseResult Parse(out HttpRequestHead head)
    {
        var o = _server.Options;
        var vars = _ctx.Vars;
        if (_conn.Listener.Protocol == SocketProtocol.Http)
        {
            var server = new HttpServerVars
            {
                ServerName = _server.ServerName, ServerPort = _conn.Listener.ServerPort,
                RemoteAddr = _conn.RemoteAddr, RemotePort = _conn.RemotePort,
            };
            return HttpRequestParser.Parse(_conn.Pending, o.BufferSize, o.MaxVars, in server, vars, out head, o.UnderscoresInHeaders);
        }
        head = default;
        var r = UwsgiPacketParser.Parse(_conn.Pending, o.BufferSize, o.MaxVars, vars);
        if (r.Status != ParseStatus.Done) return r;
        return UwsgiRequest.ReadHead(vars, ref head) is { } error ? ParseResult.Fail(400, error) : r;
    }

    private RequestOutcome Reject(int status, string reason)
    {
        _server.Log.RequestRejected(status, reason, _conn.RemoteAddrText);
        bool http = _conn.Listener.Protocol == SocketProtocol.Http;
        _response.Begin(_conn.Listener.Protocol, http ? "HTTP/1.1"u8 : "HTTP/1.0"u8, http, isHead: false, keepAlive: false);
        _response.SendError(status, StatusText.Of(status));
        return RequestOutcome.CloseWithUnreadInput;
    }

    private RequestOutcome HandleRequest(in HttpRequestHead head)
    {
        var vars = _ctx.Vars;
        var line = RequestLine.From(vars, _conn.Listener.Protocol);
        long started = Stopwatch.GetTimestamp();
        var startTime = _server.Time.GetUtcNow();
        _coreSlot.BeginRequest(startTime.ToUnixTimeMilliseconds(), line.Method(vars), line.Uri(vars));
        RequestOutcome outcome;
        int appId = 0;
        try
        {
            _response.Begin(_conn.Listener.Protocol, line.Protocol(vars), head.Http11, head.IsHead, head.KeepAlive);
            long limit = _server.Options.LimitPost;
            if (limit > 0 && head.Framing == BodyFraming.ContentLength && head.ContentLength > limit)
            {
                _server.Log.RequestRejected(413, $"CONTENT_LENGTH {head.ContentLength} larger than limit-post {limit}", _conn.RemoteAddrText);
                _response.SendError(413, StatusText.Of(413));
                appId = -1;
                outcome = RequestOutcome.CloseWithUnreadInput;
            }
            else
            {
                _body.Reset(head.Framing, head.ContentLength, head.Expect100, limit);
                RunApp(line, vars);
                // The rest of a short body the app left unread is read and dropped, also when the
                // connection closes (always on the uwsgi protocol): then close() sends a FIN at once,
                // instead of a reset that could destroy the response, or a lingering close that
                // waits for the client's FIN with the thread.
                outcome = !_body.TryDrain(MaxDrainBytes) ? RequestOutcome.CloseWithUnreadInput
                    : _response.KeepAlive ? RequestOutcome.KeepAlive : RequestOutcome.Close;
            }
        }
        finally
        {
            _coreSlot.EndRequest();
        }
        Account(line, vars, appId, startTime, Stopwatch.GetElapsedTime(started));
        return outcome;
    }

    private void RunApp(RequestLine line, RequestVars vars)
    {
        _ctx.Protocol = _conn.Listener.Protocol;
        _ctx.AppFailed = false;
        _ctx.Chunks = 0;
        try
        {
            _server.Host.Handle(_ctx);
            if (!_response.Completed) _response.Complete();
        }
        catch (IOException ex) when (_response.Broken || ex is not RequestBodyException)
        {
            _server.Log.ClientGone(ex.Message, Text(line.Method(vars)), Text(line.Uri(vars)), _conn.RemoteAddrText);
            _response.ForceClose();
        }
        catch (RequestBodyException)
        {
            int status = _body.Failure?.StartsWith("timeout") == true ? 408 : 400;
            _response.SendError(status, StatusText.Of(status));
        }
        catch (Exception ex)
        {
            _ctx.AppFailed = true;
            _server.Log.Error(ex, "request {Method} {Uri} failed in the serving layer", Text(line.Method(vars)), Text(line.Uri(vars)));
            _response.SendError(500, StatusText.Of(500));
        }
        if (_body.Failure is { } failure)
            _server.Log.BodyReadFailed(failure, Text(line.Method(vars)), Text(line.Uri(vars)), _conn.RemoteAddrText);
        if (_response.Truncated) _server.Log.ResponseTruncated(Text(line.Method(vars)), Text(line.Uri(vars)));
    }

    private static string Text(ReadOnlySpan<byte> s) => Encoding.Latin1.GetString(s);
}
