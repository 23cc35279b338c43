using System.Text;

namespace DotnetWsgi.Worker.Tests.Python;

/// <summary>wsgiref.validate between the gateway and an app: the gateway breaks no PEP 3333 rule it checks.</summary>
[Collection("Python")]
public sealed class ValidatorTests(PythonFixture fx)
{
    private DotnetWsgi.Worker.Python.PythonApplicationHost Validated() => fx.Host("validated", new()
    {
        Module = "validated",
        PythonPath = [PythonFixture.AppsDir],
    });

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public void Validator_FindsNoViolation_ForMethod(string method)
    {
        int mark = fx.Log.Count;
        var (r, ctx) = new TestRequest { Method = method }.Run(Validated());

        Assert.False(ctx.AppFailed, string.Join("\n", fx.Log.Since(mark, Serilog.Events.LogEventLevel.Error)));
        Assert.Equal("200 OK", r.Status);
        Assert.Equal("get http", r.BodyText);
    }

    [Fact]
    public void Validator_FindsNoViolation_ForPostWithBody()
    {
        var body = Encoding.ASCII.GetBytes("field=value&other=2");
        int mark = fx.Log.Count;
        var (r, ctx) = new TestRequest { Method = "POST", Body = body, MaxRead = 4 }.Run(Validated());

        Assert.False(ctx.AppFailed, string.Join("\n", fx.Log.Since(mark, Serilog.Events.LogEventLevel.Error)));
        Assert.Equal("field=value&other=2|", r.BodyText);
    }
}
