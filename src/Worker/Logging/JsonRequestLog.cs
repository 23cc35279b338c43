// The opt-in JSON request log (`log-format-json = true`): one object per request with typed
// fields (numbers as numbers, absent values as null), escaped by System.Text.Json, so log
// shippers need no regex. Field names follow the `log-format` tokens.

using System.Buffers;
using System.Text;
using System.Text.Json;
using DotnetWsgi.Worker.Hosting;

namespace DotnetWsgi.Worker.Logging;

public sealed class JsonRequestLog
{
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _writer;

    public JsonRequestLog() => _writer = new Utf8JsonWriter(_buffer);

    /// <summary>The JSON object for one request. Not thread-safe: one per serving thread.</summary>
    public string Format(RequestLogEntry e, RequestVars? vars)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        var w = _writer;
        w.WriteStartObject();
        w.WriteString("time", e.Start);
        w.WriteNumber("pid", e.Pid);
        w.WriteNumber("wid", e.WorkerId);
        w.WriteNumber("core", e.Core);
        w.WriteNumber("app", e.AppId);
        w.WriteNumber("req", e.WorkerRequests);
        w.WriteNumber("instance_req", e.InstanceRequests);
        TextOrNull(w, "addr", e.RemoteAddr);
        TextOrNull(w, "user", e.RemoteUser);
        TextOrNull(w, "method", e.Method);
        TextOrNull(w, "uri", e.Uri);
        TextOrNull(w, "proto", e.Protocol);
        w.WriteNumber("status", e.Status);
        w.WriteNumber("rsize", e.BodyBytes);
        w.WriteNumber("hsize", e.HeadBytes);
        w.WriteNumber("headers", e.Headers);
        w.WriteNumber("micros", e.DurationMicros);
        w.WriteNumber("vars", e.VarEntries);
        w.WriteNumber("pktsize", e.VarsBytes);
        w.WriteNumber("switches", e.Switches);
        VarOrNull(w, "host", vars, "HTTP_HOST"u8);
        VarOrNull(w, "uagent", vars, "HTTP_USER_AGENT"u8);
        VarOrNull(w, "referer", vars, "HTTP_REFERER"u8);
        w.WriteEndObject();
        w.Flush();
        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    private static void TextOrNull(Utf8JsonWriter w, string name, string value)
    {
        if (value.Length == 0) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    private static void VarOrNull(Utf8JsonWriter w, string name, RequestVars? vars, ReadOnlySpan<byte> key)
    {
        if (vars is not null && vars.TryGet(key, out var value) && value.Length > 0) w.WriteString(name, Encoding.Latin1.GetString(value));
        else w.WriteNull(name);
    }
}
