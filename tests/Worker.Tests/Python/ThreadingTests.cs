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

    [Fact]
    public void ManyThreads_ServeConcurrently_WithTheirOwnRequests()
    {
        var echo = fx.Cases("echo_readline", threads: 4);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var threads = Enumerable.Range(0, 4).Select(core => new Thread(() =>
        {
            try
            {
                echo.AttachThread();
                for (int i = 0; i < 300; i++)
                {
                    var body = System.Text.Encoding.ASCII.GetBytes($"core {core}\nrequest {i}\n" + new string('x', i * 7));
                    var response = new FakeResponse();
                    var ctx = new TestRequest { Method = "POST", Body = body, MaxRead = 13, CoreId = core }.Context(response);
                    echo.Handle(ctx);
                    if (ctx.AppFailed || !response.Body.AsSpan().SequenceEqual(body))
                        errors.Enqueue($"core {core} request {i}: {response.BodyText}");
                }
            }
            catch (Exception e)
            {
                errors.Enqueue(e.ToString());
            }
            finally
            {
                echo.DetachThread();
            }
        })).ToList();

        threads.ForEach(t => t.Start());

        foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromSeconds(120)), "a serving thread never finished");
        Assert.Empty(errors);
    }
}
