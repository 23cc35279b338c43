using System.Text;
using System.Text.Json;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Python;

namespace DotnetWsgi.Worker.Tests.Python;

/// <summary>The seeds' Flask app (samples/flask: run.py + app/), loaded as the tutorials configure it.</summary>
[Collection("Python")]
public sealed class FlaskAppTests(PythonFixture fx)
{
    private PythonApplicationHost Flask() => fx.Host("flask", new ServerOptions
    {
        Chdir = PythonFixture.FlaskDir,
        WsgiFile = "run.py",
        Callable = "app",
    });

    [Fact]
    public void FlaskApp_AnswersHello_OnGetRoot()
    {
        var (r, ctx) = new TestRequest { Path = "/" }.Run(Flask());

        Assert.False(ctx.AppFailed);
        Assert.Equal("200 OK", r.Status);
        Assert.True(r.Completed);
        Assert.Equal("Hello from flask", r.BodyText);
        Assert.StartsWith("text/html", r.Header("Content-Type"));
    }

    [Fact]
    public void FlaskApp_EchoesJson_OnPostToMyPythonApps()
    {
        var body = TestRequest.Utf8("""{"name": "dotnetwsgi", "n": 3}""");
        var (r, ctx) = new TestRequest { Method = "POST", Path = "/my_python_apps", Body = body, MaxRead = 5 }.Run(Flask());

        Assert.False(ctx.AppFailed);
        Assert.Equal("200 OK", r.Status);
        Assert.Equal("application/json", r.Header("Content-Type"));
        using var json = JsonDocument.Parse(r.Body);
        Assert.Equal("dotnetwsgi", json.RootElement.GetProperty("received").GetProperty("name").GetString());
        Assert.Equal(new[] { "n", "name" }, json.RootElement.GetProperty("keys").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void FlaskApp_Answers404_OnUnknownPath()
    {
        var (r, ctx) = new TestRequest { Path = "/nope" }.Run(Flask());

        Assert.False(ctx.AppFailed);
        Assert.Equal(404, r.StatusCode);
        Assert.Contains("Not Found", r.BodyText);
    }

    [Fact]
    public void FlaskApp_Answers400WithTraceback_OnInvalidJson()
    {
        var (r, _) = new TestRequest { Method = "POST", Path = "/my_python_apps", Body = Encoding.ASCII.GetBytes("{not json") }.Run(Flask());

        Assert.Equal(400, r.StatusCode);
        Assert.Contains("JSONDecodeError", r.BodyText);
    }
}
