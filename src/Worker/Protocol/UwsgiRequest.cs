using System.Buffers.Text;
using DotnetWsgi.Worker.Hosting;

namespace DotnetWsgi.Worker.Protocol;

/// <summary>Reads the body framing of a parsed uwsgi packet from its vars.</summary>
public static class UwsgiRequest
{
    /// <summary>Fills head from CONTENT_LENGTH and SERVER_PROTOCOL; returns an error reason or null.</summary>
    public static string? ReadHead(RequestVars vars, ref HttpRequestHead head)
    {
        head = default;
        if (vars.TryGet("CONTENT_LENGTH"u8, out var cl) && !cl.IsEmpty)
        {
            if (!Utf8Parser.TryParse(cl, out long length, out int used) || used != cl.Length || length < 0)
                return "invalid CONTENT_LENGTH";
            head.ContentLength = length;
            head.Framing = length > 0 ? BodyFraming.ContentLength : BodyFraming.None;
        }
        head.Http11 = vars.TryGet("SERVER_PROTOCOL"u8, out var proto) && proto.SequenceEqual("HTTP/1.1"u8);
        head.KeepAlive = false; // one request per connection, as nginx's uwsgi_pass expects
        return null;
    }
}
