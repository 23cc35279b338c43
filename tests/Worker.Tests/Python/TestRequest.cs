using System.Text;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Python;

namespace DotnetWsgi.Worker.Tests.Python;

/// <summary>Builds a request as nginx's uwsgi_params would send it and runs it through a host.</summary>
public sealed class TestRequest
{
    public string Method { get; init; } = "GET";
    /// <summary>Raw path (as PATH_INFO bytes, latin-1 string of the wire bytes).</summary>
    public string Path { get; init; } = "/";
    public string Query { get; init; } = "";
    public byte[]? Body { get; init; }
    public int MaxRead { get; init; } = 7000;
    public int? BodyFailsAfter { get; init; }
    public List<(string, string)> Extra { get; init; } = [];
    public int CoreId { get; init; }

    public RequestContext Context(IResponse response)
    {
        var vars = new RequestVars();
        vars.Add("REQUEST_METHOD", Method);
        vars.Add("REQUEST_URI", Query.Length > 0 ? $"{Path}?{Query}" : Path);
        vars.Add("PATH_INFO", Path);
        vars.Add("QUERY_STRING", Query);
        vars.Add("SERVER_PROTOCOL", "HTTP/1.1");
        vars.Add("SERVER_NAME", "testhost");
        vars.Add("SERVER_PORT", "8080");
        vars.Add("REMOTE_ADDR", "127.0.0.1");
        vars.Add("HTTP_HOST", "testhost");
        if (Body is not null)
        {
            vars.Add("CONTENT_LENGTH", Body.Length.ToString());
            vars.Add("CONTENT_TYPE", "application/octet-stream");
        }
        foreach (var (k, v) in Extra) vars.Add(k, v);
        return new RequestContext
        {
            Vars = vars,
            Body = new FakeBody(Body ?? [], MaxRead, BodyFailsAfter),
            Response = response,
            Protocol = SocketProtocol.Uwsgi,
            CoreId = CoreId,
        };
    }

    /// <summary>Runs the request on the calling thread (attached for the call) and returns the response.</summary>
    public (FakeResponse Response, RequestContext Ctx) Run(PythonApplicationHost host, FakeResponse? response = null)
    {
        response ??= new FakeResponse();
        var ctx = Context(response);
        response.Context = ctx;
        host.AttachThread();
        try
        {
            host.Handle(ctx);
        }
        finally
        {
            host.DetachThread();
        }
        return (response, ctx);
    }

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
