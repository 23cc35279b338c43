using DotnetWsgi.Worker.Hosting;

namespace DotnetWsgi.Worker.Tests.Python;

/// <summary>The request path leaks no Python objects and allocates no managed memory per request.</summary>
[Collection("Python")]
public sealed class ResourceTests(PythonFixture fx)
{
    [Theory]
    [InlineData("hello", 3000)]
    [InlineData("stream", 3000)]
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
            // A leak of one object per request adds at least `requests` blocks in every window. A
            // Python thread left running by another test of this process (py-autoreload's scanner)
            // can hold a few dozen blocks at the moment of one reading, so up to three windows are
            // measured and one clean window is enough; a real leak fails all three.
            long growth = 0;
            for (int window = 0; window < 3; window++)
            {
                long before = Blocks();
                RunMany(host, req, requests);
                growth = Blocks() - before;
                if (growth < requests / 4) return;
            }
            Assert.Fail($"Python heap grew by {growth} blocks over {requests} requests (in each of three windows)");
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
