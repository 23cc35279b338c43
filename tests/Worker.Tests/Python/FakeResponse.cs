using System.Text;
using DotnetWsgi.Worker.Hosting;

namespace DotnetWsgi.Worker.Tests.Python;

/// <summary>Records what the host does to the response, enforcing the IResponse contract's order.</summary>
public sealed class FakeResponse : IResponse
{
    private readonly MemoryStream _body = new();

    public bool HeadSent { get; private set; }
    public int StatusCode { get; private set; }
    public long BodyBytes => _body.Length;

    public string? Status { get; private set; }
    public List<(string Name, string Value)> Headers { get; } = [];
    public int StartCalls { get; private set; }
    public int WriteCalls { get; private set; }
    public bool Completed { get; private set; }
    public (int Status, string Reason)? Error { get; private set; }
    /// <summary>Makes Write throw after this many calls (a client that went away).</summary>
    public int? FailWritesAfter { get; init; }
    /// <summary>Runs inside each Write (e.g. to check the GIL is not held).</summary>
    public Action? OnWrite { get; init; }

    public byte[] Body => _body.ToArray();
    public string BodyText => Encoding.Latin1.GetString(_body.ToArray());

    public string? Header(string name) => Headers.LastOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    public void Start(ReadOnlySpan<byte> status)
    {
        if (HeadSent) throw new InvalidOperationException("Start after the head was sent");
        if (Completed) throw new InvalidOperationException("Start after Complete");
        StartCalls++;
        Status = Encoding.Latin1.GetString(status);
        StatusCode = int.Parse(Status.AsSpan(0, 3));
        Headers.Clear();
    }

    public void AddHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (Status is null || HeadSent) throw new InvalidOperationException("AddHeader outside a head");
        Headers.Add((Encoding.Latin1.GetString(name), Encoding.Latin1.GetString(value)));
    }

    /// <summary>The request this response belongs to (set by TestRequest.Run).</summary>
    public RequestContext? Context { get; set; }

    /// <summary>The hint the host gave with each Write, in order.</summary>
    public List<ChunkHint> Hints { get; } = [];

    public void Write(ReadOnlySpan<byte> data, ChunkHint hint = ChunkHint.Flush)
    {
        Hints.Add(hint);
        if (Status is null) throw new InvalidOperationException("Write before Start");
        if (Completed) throw new InvalidOperationException("Write after Complete");
        WriteCalls++;
        if (FailWritesAfter is { } n && WriteCalls > n) throw new IOException("client went away");
        OnWrite?.Invoke();
        HeadSent = true;
        _body.Write(data);
    }

    public void Complete()
    {
        if (Status is null) throw new InvalidOperationException("Complete before Start");
        if (Completed) throw new InvalidOperationException("Complete twice");
        HeadSent = true;
        Completed = true;
    }

    public void SendError(int status, string reason)
    {
        if (HeadSent) return;
        if (Completed) throw new InvalidOperationException("SendError after Complete");
        Error = (status, reason);
        StatusCode = status;
        HeadSent = true;
    }
}

/// <summary>A request body served from memory in reads of at most MaxRead bytes, optionally failing.</summary>
public sealed class FakeBody(byte[] data, int maxRead = 7000, int? failAfter = null) : IRequestBody
{
    private int _pos;

    public long? ContentLength => data.Length;
    public int Reads { get; private set; }

    public int Read(Span<byte> destination)
    {
        Reads++;
        if (failAfter is { } f && _pos >= f) throw new RequestBodyException("timeout reading the request body");
        int n = Math.Min(Math.Min(destination.Length, maxRead), data.Length - _pos);
        if (failAfter is { } g) n = Math.Min(n, g - _pos);
        data.AsSpan(_pos, n).CopyTo(destination);
        _pos += n;
        return n;
    }
}
