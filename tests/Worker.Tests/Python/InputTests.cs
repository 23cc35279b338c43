using System.Text;

namespace DotnetWsgi.Worker.Tests.Python;

/// <summary>wsgi.input: read(), read(n), readline, iteration, errors.</summary>
[Collection("Python")]
public sealed class InputTests(PythonFixture fx)
{
    private static byte[] Megabyte()
    {
        var data = new byte[1024 * 1024];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i % 251);
        return data;
    }

    private static byte[] Lines(int count)
        => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, count).Select(i => $"line {i} {new string('x', i % 300)}\n")));

    [Theory]
    [InlineData("echo_read")]
    [InlineData("echo_read_n")]
    public void Input_EchoesOneMegabyte_ForReadStyle(string callable)
    {
        var data = Megabyte();
        var (r, ctx) = new TestRequest { Method = "POST", Body = data, MaxRead = 65536 }.Run(fx.Cases(callable));

        Assert.False(ctx.AppFailed);
        Assert.Equal(data, r.Body);
    }

    [Fact]
    public void Readline_SplitsLines_AcrossShortSocketReads()
    {
        var data = Lines(5000);
        var (r, ctx) = new TestRequest { Method = "POST", Body = data, MaxRead = 333 }.Run(fx.Cases("echo_readline"));

        Assert.False(ctx.AppFailed);
        Assert.Equal("5000", r.Header("X-Lines"));
        Assert.Equal(data, r.Body);
    }

    [Fact]
    public void Iteration_YieldsLines_AndKeepsUnterminatedTail()
    {
        var data = Encoding.ASCII.GetBytes("a\nbb\nccc");
        var (r, _) = new TestRequest { Method = "POST", Body = data, MaxRead = 2 }.Run(fx.Cases("echo_iter"));

        Assert.Equal("3", r.Header("X-Lines"));
        Assert.Equal("a\nbb\nccc", r.BodyText);
    }

    [Fact]
    public void Input_RaisesOSError_WhenTheBodyReadFails()
    {
        var (r, ctx) = new TestRequest { Method = "POST", Body = new byte[10000], BodyFailsAfter = 4000 }.Run(fx.Cases("input_error"));

        Assert.False(ctx.AppFailed);
        Assert.Equal(400, r.StatusCode);
        Assert.Contains("OSError", r.BodyText);
        Assert.Contains("timeout during read(10000) on wsgi.input", r.BodyText); // uWSGI wording: the size asked for
    }

    [Fact]
    public void Input_IsEmpty_WithoutBody()
    {
        var (r, _) = new TestRequest().Run(fx.Cases("echo_read"));

        Assert.Equal(0, r.BodyBytes);
        Assert.True(r.Completed);
    }

    [Fact]
    public void StaleInput_RaisesOSError_InALaterRequest()
    {
        new TestRequest { Method = "POST", Body = new byte[100] }.Run(fx.Cases("stash"));

        var (r, ctx) = new TestRequest { Method = "POST", Body = new byte[100] }.Run(fx.Cases("use_stale"));

        Assert.False(ctx.AppFailed);
        Assert.Equal("input: wsgi.input used after its request ended", r.BodyText);
    }
}
