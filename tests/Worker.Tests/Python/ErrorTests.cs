using Serilog.Events;

namespace DotnetWsgi.Worker.Tests.Python;

/// <summary>App errors: 500 before the head, abort after it, the worker lives on.</summary>
[Collection("Python")]
public sealed class ErrorTests(PythonFixture fx)
{
    private (FakeResponse Response, bool Failed, List<string> Errors) Run(string callable, TestRequest? req = null)
    {
        int mark = fx.Log.Count;
        var (r, ctx) = (req ?? new TestRequest { Path = "/boom" }).Run(fx.Cases(callable));
        return (r, ctx.AppFailed, fx.Log.Since(mark, LogEventLevel.Error));
    }

    [Fact]
    public void ExceptionBeforeStartResponse_Answers500AndLogsTraceback_ThenNextRequestSucceeds()
    {
        var (r, failed, errors) = Run("raises_before");

        Assert.True(failed);
        Assert.Equal((500, "Internal Server Error"), r.Error);
        Assert.False(r.Completed);
        var error = Assert.Single(errors);
        Assert.Contains("GET /boom", error);
        Assert.Contains("Traceback (most recent call last)", error);
        Assert.Contains("RuntimeError: failed before start_response", error);

        var (next, ok) = new TestRequest().Run(fx.Cases("hello"));
        Assert.False(ok.AppFailed);
        Assert.Equal("hello world", next.BodyText);
    }

    [Fact]
    public void ExceptionAfterHead_MarksFailedWithoutCompleting()
    {
        var (r, failed, errors) = Run("raises_after_head");

        Assert.True(failed);
        Assert.Equal("partial", r.BodyText);
        Assert.Null(r.Error);
        Assert.False(r.Completed);
        Assert.Contains("RuntimeError: failed after the head", Assert.Single(errors));
    }

    [Fact]
    public void ExceptionInBodyIterator_KeepsSentChunks_AndCallsClose()
    {
        var (r, failed, errors) = Run("stream_fails");

        Assert.True(failed);
        Assert.Equal("onetwo", r.BodyText);
        Assert.Contains("ValueError: boom in the body", Assert.Single(errors));
    }

    [Fact]
    public void StartResponseTwice_WithoutExcInfo_Is500()
    {
        var (r, failed, errors) = Run("start_twice");

        Assert.True(failed);
        Assert.Equal(500, r.Error?.Status);
        Assert.Contains("start_response() called twice without exc_info", Assert.Single(errors));
    }

    [Fact]
    public void StartResponseWithExcInfo_ReplacesHead_BeforeItIsSent()
    {
        var (r, failed, _) = Run("exc_info_replaces");

        Assert.False(failed);
        Assert.Equal("503 Service Unavailable", r.Status);
        Assert.Equal([("X-Second", "1")], r.Headers);
        Assert.Equal("replaced", r.BodyText);
    }

    [Fact]
    public void StartResponseWithExcInfo_ReraisesOriginal_AfterHeadSent()
    {
        var (r, failed, errors) = Run("exc_info_after_head");

        Assert.True(failed);
        Assert.Equal("sent", r.BodyText);
        Assert.Contains("KeyError: 'late'", Assert.Single(errors));
    }

    [Theory]
    [InlineData("bad_header", "control character")]
    [InlineData("non_str_header", "header value must be str, not int")]
    [InlineData("str_chunk", "WSGI body chunks must be bytes")]
    [InlineData("no_start_response", "before calling start_response")]
    public void InvalidResponse_Is500_WithReason(string callable, string reason)
    {
        var (r, failed, errors) = Run(callable);

        Assert.True(failed);
        Assert.Equal(500, r.Error?.Status);
        Assert.DoesNotContain(r.Headers, h => h.Name == "Injected");
        Assert.Contains(reason, Assert.Single(errors));
    }

    [Fact]
    public void ResponseWriteFailure_IsRethrownAsServingError_AndCloseIsCalled()
    {
        var response = new FakeResponse { FailWritesAfter = 3 };
        var ex = Assert.Throws<IOException>(() => new TestRequest().Run(fx.Cases("stream"), response));

        Assert.Equal("client went away", ex.Message);
        var (next, _) = new TestRequest().Run(fx.Cases("hello"));
        Assert.Equal("hello world", next.BodyText);
    }
}
