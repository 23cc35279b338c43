namespace DotnetWsgi.Worker.Protocol;

public enum ParseStatus
{
    /// <summary>The input is a valid prefix: read more bytes and parse again.</summary>
    NeedMore,
    /// <summary>A complete unit was parsed; Consumed says how many bytes it took.</summary>
    Done,
    /// <summary>The input can never become valid: answer ErrorStatus and close.</summary>
    Error,
}

/// <summary>The outcome of one parser call over a byte buffer.</summary>
public readonly record struct ParseResult(ParseStatus Status, int Consumed, int ErrorStatus, string? Reason)
{
    public static ParseResult NeedMore => new(ParseStatus.NeedMore, 0, 0, null);
    public static ParseResult Done(int consumed) => new(ParseStatus.Done, consumed, 0, null);
    public static ParseResult Fail(int status, string reason) => new(ParseStatus.Error, 0, status, reason);
}
