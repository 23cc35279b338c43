namespace DotnetWsgi.Worker.Serving;

/// <summary>Reason phrases for the statuses the server answers itself.</summary>
public static class StatusText
{
    public static string Of(int status) => status switch
    {
        400 => "Bad Request",
        408 => "Request Timeout",
        413 => "Request Entity Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    };
}
