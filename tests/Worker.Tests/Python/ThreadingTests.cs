namespace DotnetWsgi.Worker.Tests.Python;

/// <summary>Serving threads run Python concurrently: a blocked request does not hold the GIL.</summary>
[Collection("Python")]
public sealed class ThreadingTests(PythonFixture fx)
{
    [Fact]
    public void SecondThread_Completes_WhileFirstSleepsInPython()
    {
        var sleeper = fx.Cases("sleeper", threads: 2);
        var fast = fx.Cases("fast", threads: 2);
        using var started = new ManualResetEventSlim();
        var slowResponse = new FakeResponse { OnWrite = started.Set };
        Exception? slowError = null;
        var slow = new Thread(() =>
        {
            try { new TestRequest { CoreId = 0 }.Run(sleeper, slowResponse); }
            catch (Exception e) { slowError = e; }
        });
        slow.Start();
        try
        {
            Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "the sleeping request never started");

            var (r, ctx) = new TestRequest { CoreId = 1 }.Run(fast);

            Assert.False(ctx.AppFailed);
            Assert.Equal("fast", r.BodyText);
        }
        finally
        {
            Assert.True(slow.Join(TimeSpan.FromSeconds(60)), "the sleeping request never finished");
        }
        Assert.Null(slowError);
        Assert.Equal("started;gate=True", slowResponse.BodyText);
    }
}
