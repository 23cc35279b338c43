namespace DotnetWsgi.Config.Options;

public static partial class OptionCatalogue
{
    private static OptionRow[] LoggingRows => InGroup("Logging",
        Opt("logto", OptionKind.Path, "Logto", "log to this file instead of stderr"),
        Opt("log-maxsize", OptionKind.Long, "LogMaxsize", "rotate the log file above N bytes"),
        Opt("disable-logging", OptionKind.Flag, "DisableLogging", "no request log lines", shortFlag: 'L'),
        Opt("log-4xx", OptionKind.Flag, "Log4xx", "log 4xx requests even with disable-logging"),
        Opt("log-5xx", OptionKind.Flag, "Log5xx", "log 5xx requests even with disable-logging"),
        Opt("log-format", OptionKind.Text, "LogFormat", "request log line format (%(var) items)", ["logformat"]),
        Opt("log-format-json", OptionKind.Flag, "LogFormatJson", "dotnetwsgi: request log lines as JSON objects"),
        Opt("log-date", OptionKind.Flag, "LogDate", "prefix log lines with the date"),
        Opt("log-micros", OptionKind.Flag, "LogMicros", "response times in microseconds"),
        Opt("log-reopen", OptionKind.Flag, "LogReopen", "reopen the log file on reload"),
        Builtin("log-master", OptionKind.Flag, "the master writes the log", "the master and workers share the log"),
        Ignored("logto2", OptionKind.Path, "log file after privilege drop", "not implemented; use logto"),
        Ignored("log-slow", OptionKind.Int, "log requests slower than N ms", "not implemented"),
        Ignored("log-zero", OptionKind.Flag, "log requests with an empty body", "not implemented"),
        Ignored("log-big", OptionKind.Long, "log requests with a body larger than N", "not implemented"),
        Ignored("log-x-forwarded-for", OptionKind.Flag, "use X-Forwarded-For as the address", "not implemented"),
        Ignored("logger", OptionKind.Text, "add a logger", "pluggable loggers are not implemented; use logto", list: true),
        Ignored("req-logger", OptionKind.Text, "add a request logger", "pluggable loggers are not implemented; use logto", list: true),
        Ignored("show-config", OptionKind.Flag, "log the configuration at start", "use dotnetwsgi --print-config"));
}
