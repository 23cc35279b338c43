namespace DotnetWsgi.Config.Options;

public static partial class OptionCatalogue
{
    private static OptionRow[] ControlRows => InGroup("Control and files",
        Opt("pidfile", OptionKind.Path, "Pidfile", "write the master pid to a file at start"),
        Opt("pidfile2", OptionKind.Path, "Pidfile2", "write the master pid after chdir and privilege drop"),
        Opt("uid", OptionKind.Name, "Uid", "run as this user (name or number)"),
        Opt("gid", OptionKind.Name, "Gid", "run as this group (name or number)"),
        Opt("daemonize", OptionKind.Path, "Daemonize", "detach and log to this file", shortFlag: 'd'),
        Opt("die-on-term", OptionKind.Flag, "DieOnTerm", "SIGTERM stops the server (dotnetwsgi: always graceful)"),
        Opt("master-fifo", OptionKind.Path, "MasterFifo", "control fifo for one-letter commands", list: true),
        Opt("touch-reload", OptionKind.Path, "TouchReload", "graceful reload when this file is touched", list: true),
        Opt("touch-workers-reload", OptionKind.Path, "TouchWorkersReload", "reload the workers when this file is touched", list: true),
        Opt("touch-chain-reload", OptionKind.Path, "TouchChainReload", "chain reload when this file is touched", list: true),
        Opt("touch-logreopen", OptionKind.Path, "TouchLogReopen", "reopen the log when this file is touched", list: true),
        Opt("exit-on-reload", OptionKind.Flag, "ExitOnReload", "exit instead of reloading"),
        Opt("stats", OptionKind.Address, "Stats", "stats server address (host:port or unix path)", ["stats-server"]),
        Opt("stats-http", OptionKind.Flag, "StatsHttp", "serve stats over HTTP"),
        Opt("stats-minified", OptionKind.Flag, "StatsMinified", "stats JSON without whitespace", ["stats-min"]),
        Opt("memory-report", OptionKind.Flag, "MemoryReport", "report memory in request logs and stats", shortFlag: 'm'),
        Opt("admin-http", OptionKind.Address, "AdminHttp", "dotnetwsgi: HTTP admin listener (/metrics, /healthz, /readyz)"),
        Ignored("master-as-root", OptionKind.Flag, "keep the master as root", "not implemented"),
        Ignored("touch-exec", OptionKind.Text, "run a command when a file is touched", "not implemented", list: true),
        Ignored("touch-signal", OptionKind.Text, "raise a signal when a file is touched", "not implemented", list: true),
        Ignored("fs-reload", OptionKind.Path, "reload when a path changes", "not implemented; use touch-reload", list: true),
        Ignored("hook-pre-app", OptionKind.Text, "run a hook before loading the app", "hooks are not implemented", list: true),
        Ignored("hook-accepting", OptionKind.Text, "run a hook when a worker accepts", "hooks are not implemented", list: true),
        Ignored("honour-stdin", OptionKind.Flag, "keep stdin", "not implemented"),
        Ignored("drop-after-init", OptionKind.Flag, "drop privileges after init", "not implemented"),
        Ignored("drop-after-apps", OptionKind.Flag, "drop privileges after loading apps", "not implemented"),
        Rejected("daemonize2", OptionKind.Path, "daemonize after loading the app", "use daemonize"),
        Rejected("safe-pidfile", OptionKind.Path, "atomically written pidfile", "use pidfile"));
}
