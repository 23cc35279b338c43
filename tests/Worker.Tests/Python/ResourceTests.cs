using DotnetWsgi.Worker.Hosting;

namespace DotnetWsgi.Worker.Tests.Python;

/// <summary>The request path leaks no Python objects and allocates no managed memory per request.</summary>
[Collection("Python")]
public sealed class ResourceTests(PythonFixture fx)
{
    [Theory]
    [InlineData("hello", 3000)]
    [InlineData("stream", 300)]
    [InlineData("echo_readline", 3000)]
    [InlineData("cookies", 3000)]
    [InlineData("raises_before", 3000)]
    [InlineData("bad_header", 3000)]
    public void Handle_LeaksNoPythonObjects_OverManyRequests(string callable, int requests)
    {
        var host = fx.Cases(callable);
        var body = new byte[3000];
        Array.Fill(body, (byte)'a');
        for (int i = 0; i < body.Length; i += 50) body[i] = (byte)'\n';
        var req = new TestRequest { Method = "POST", Body = body };
        host.AttachThread();
        try
        {
            RunMany(host, req, requests); // warm-up: caches, interned names, first-use allocations
            long before = Blocks();
            RunMany(host, req, requests);
            long growth = Blocks() - before;

            // A leak of one object per request would add at least `requests` blocks.
            Assert.True(growth < requests / 4, $"Python heap grew by {growth} blocks over {requests} requests");
        }
        finally
        {
            host.DetachThread();
        }
    }

    [Fact]
    public void Handle_AllocatesNoManagedMemory_PerRequest()
    {
        var host = fx.Cases("hello");
        var response = new CountingResponse();
        var ctx = new TestRequest().Context(response);
        host.AttachThread();
        try
        {
            for (int i = 0; i < 2000; i++) host.Handle(ctx);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 2000; i++) host.Handle(ctx);
            long perRequest = (GC.GetAllocatedBytesForCurrentThread() - before) / 2000;

            Assert.Equal(4000 * 11L, response.Bytes); // every request answered "hello world"
            Assert.True(perRequest < 8, $"{perRequest} bytes allocated per request");
        }
        finally
        {
            host.DetachThread();
        }
    }

    private static void RunMany(DotnetWsgi.Worker.Python.PythonApplicationHost host, TestRequest req, int n)
    {
        for (int i = 0; i < n; i++) host.Handle(req.Context(new FakeResponse()));
    }

    private long Blocks() => long.Parse(new TestRequest().Run(fx.Cases("allocated_blocks")).Response.BodyText);

    /// <summary>A response that allocates nothing: counts body bytes only.</summary>
    private sealed class CountingResponse : IResponse
    {
        public bool HeadSent => false;
        public int StatusCode => 200;
        public long BodyBytes => Bytes;
        public long Bytes;
        public void Start(ReadOnlySpan<byte> status) { }
        public void AddHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) { }
        public void Write(ReadOnlySpan<byte> data, ChunkHint hint = ChunkHint.Flush) => Bytes += data.Length;
        public void Complete() { }
        public void SendError(int status, string reason) => throw new InvalidOperationException(reason);
    }
}
