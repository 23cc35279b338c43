// Hand-written application hosts for driving the serving layer without Python.

using System.Text;
using DotnetWsgi.Worker.Hosting;

namespace DotnetWsgi.Worker.Tests.Serving;

/// <summary>Runs a delegate per request; counts attach/detach so tests can check the thread contract.</summary>
public sealed class DelegateHost(Action<RequestContext> handler) : IApplicationHost
{
    public int Attached;
    public int Detached;
    public void Load() { }
    public void AttachThread() => Interlocked.Increment(ref Attached);
    public void DetachThread() => Interlocked.Increment(ref Detached);
    public void Handle(RequestContext ctx) => handler(ctx);
    public void Dispose() { }
}

public static class Apps
{
    /// <summary>Answers "METHOD PATH_INFO QUERY|body" with the app's own Content-Length.</summary>
    public static void Echo(RequestContext ctx)
    {
        var body = ReadAll(ctx.Body);
        var text = $"{ctx.Vars.GetString("REQUEST_METHOD")} {ctx.Vars.GetString("PATH_INFO")} {ctx.Vars.GetString("QUERY_STRING")}|";
        var bytes = Encoding.Latin1.GetBytes(text).Concat(body).ToArray();
        ctx.Response.Start("200 OK"u8);
        ctx.Response.AddHeader("Content-Type"u8, "text/plain"u8);
        ctx.Response.AddHeader("Content-Length"u8, Encoding.ASCII.GetBytes(bytes.Length.ToString()));
        ctx.Response.Write(bytes);
        ctx.Response.Complete();
    }

    /// <summary>Answers the body in the given pieces with no Content-Length (the server picks the framing).</summary>
    public static Action<RequestContext> Pieces(params string[] pieces) => ctx =>
    {
        ReadAll(ctx.Body);
        ctx.Response.Start("200 OK"u8);
        ctx.Response.AddHeader("Content-Type"u8, "text/plain"u8);
        for (int i = 0; i < pieces.Length; i++) // as the Python host writes a list result
            ctx.Response.Write(Encoding.ASCII.GetBytes(pieces[i]), i == pieces.Length - 1 ? ChunkHint.Last : ChunkHint.MoreFollows);
        ctx.Response.Complete();
    };

    /// <summary>Writes pieces as a generator's items (the host cannot know what follows).</summary>
    public static Action<RequestContext> Stream(params string[] pieces) => ctx =>
    {
        ReadAll(ctx.Body);
        ctx.Response.Start("200 OK"u8);
        foreach (var p in pieces) ctx.Response.Write(Encoding.ASCII.GetBytes(p), ChunkHint.Flush);
        ctx.Response.Complete();
    };

    /// <summary>Answers the vars as KEY=VALUE lines.</summary>
    public static void Vars(RequestContext ctx)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < ctx.Vars.Count; i++)
            sb.Append(Encoding.Latin1.GetString(ctx.Vars.Key(i))).Append('=').Append(Encoding.Latin1.GetString(ctx.Vars.Value(i))).Append('\n');
        ctx.Response.Start("200 OK"u8);
        ctx.Response.Write(Encoding.Latin1.GetBytes(sb.ToString()));
    }

    public static byte[] ReadAll(IRequestBody body)
    {
        var ms = new MemoryStream();
        var buf = new byte[7]; // small on purpose: many reads cross chunk and buffer boundaries
        int n;
        while ((n = body.Read(buf)) > 0) ms.Write(buf, 0, n);
        return ms.ToArray();
    }
}
