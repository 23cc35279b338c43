namespace DotnetWsgi.Worker.Protocol;

/// <summary>How a request's body is delimited.</summary>
public enum BodyFraming { None, ContentLength, Chunked }

/// <summary>What the serving layer needs from an HTTP request head besides its vars.</summary>
public struct HttpRequestHead
{
    public bool Http11;
    public bool IsHead;
    /// <summary>The connection may serve another request after this one (before server-side reasons to close).</summary>
    public bool KeepAlive;
    public bool Expect100;
    public BodyFraming Framing;
    /// <summary>Declared body length when Framing is ContentLength.</summary>
    public long ContentLength;

    // Raw Connection header tokens, combined into KeepAlive by the parser.
    internal bool ConnectionClose;
    internal bool ConnectionKeepAlive;
}
