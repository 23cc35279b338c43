using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Hosting;

namespace DotnetWsgi.Worker.Serving;

/// <summary>
/// Where REQUEST_METHOD, REQUEST_URI and SERVER_PROTOCOL sit in a request's vars (-1 = absent), found
/// once per request: the HTTP parser puts them at fixed positions, a uwsgi packet anywhere.
/// </summary>
public readonly record struct RequestLine(int MethodIndex, int UriIndex, int ProtocolIndex)
{
    public static RequestLine From(RequestVars vars, SocketProtocol protocol)
    {
        if (protocol == SocketProtocol.Http) return new RequestLine(0, 1, 4);
        int m = -1, u = -1, p = -1;
        for (int i = vars.Count - 1; i >= 0; i--) // the last duplicate wins, as in the environ
        {
            var key = vars.Key(i);
            if (m < 0 && key.SequenceEqual("REQUEST_METHOD"u8)) m = i;
            else if (u < 0 && key.SequenceEqual("REQUEST_URI"u8)) u = i;
            else if (p < 0 && key.SequenceEqual("SERVER_PROTOCOL"u8)) p = i;
        }
        return new RequestLine(m, u, p);
    }

    public ReadOnlySpan<byte> Method(RequestVars vars) => MethodIndex < 0 ? default : vars.Value(MethodIndex);
    public ReadOnlySpan<byte> Uri(RequestVars vars) => UriIndex < 0 ? default : vars.Value(UriIndex);
    public ReadOnlySpan<byte> Protocol(RequestVars vars) => ProtocolIndex < 0 ? default : vars.Value(ProtocolIndex);
}
