// Overview
// The typed, validated result of reading a configuration (ini files, UWSGI_* environment,
// command-line flags). The rest of the program reads options only from here: it never sees raw
// strings. Property names are the uWSGI option names in PascalCase (`max-requests` ->
// MaxRequests). Defaults are dotnetwsgi's: where they differ
// from uWSGI 2.0.21 the catalogue row says so.
//
// The record is immutable; the option binder (OptionBinder) builds it from ordered entries, through
// one accessor per property in OptionProperties.Table.cs: a new property needs its line there.

namespace DotnetWsgi.Config.Options;

/// <summary>Which wire protocol a listening socket speaks.</summary>
public enum SocketProtocol
{
    /// <summary>The uwsgi binary protocol (`socket`, `uwsgi-socket`): one request per connection.</summary>
    Uwsgi,
    /// <summary>HTTP/1.1 with keep-alive (`http-socket`, `http11-socket`, `http`).</summary>
    Http,
}

/// <summary>Where a socket listens.</summary>
public enum SocketFamily { Tcp, Unix }

/// <summary>One listening socket, in declaration order across all socket options.</summary>
/// <param name="Option">The option that declared it (`socket`, `http-socket`, ...), for messages.</param>
/// <param name="Name">The address exactly as configured (after comment stripping), e.g. `:8080`, `/tmp/app.sock`.</param>
/// <param name="Host">TCP host part (empty = all interfaces), null for unix sockets.</param>
/// <param name="Port">TCP port, 0 for unix sockets.</param>
/// <param name="Path">Unix socket path, null for TCP.</param>
public sealed record SocketSpec(
    string Option,
    string Name,
    SocketProtocol Protocol,
    SocketFamily Family,
    string? Host,
    int Port,
    string? Path);

/// <summary>`mount = /prefix=target`: target is a module (`pkg.mod:callable`) or a file path.</summary>
public sealed record MountSpec(string MountPoint, string Target);

/// <summary>`env = KEY=VALUE`.</summary>
public sealed record EnvSetting(string Key, string Value);

/// <summary>A key no option has (and not close to one): kept as uWSGI keeps it, for `uwsgi.opt` and `%(key)`.</summary>
public sealed record CustomOption(string Key, string Value);

/// <summary>`static-map = /prefix=/dir`.</summary>
public sealed record StaticMap(string Prefix, string Directory);

public sealed record ServerOptions
{
    // ---- sockets (2.3) ----
    public IReadOnlyList<SocketSpec> Sockets { get; init; } = [];
    /// <summary>Listen backlog. dotnetwsgi default 1024 (uWSGI: 100).</summary>
    public int Listen { get; init; } = 1024;
    /// <summary>Octal mode for unix sockets (e.g. 0o660), null = leave as created.</summary>
    public int? ChmodSocket { get; init; }
    /// <summary>`user[:group]` for unix sockets.</summary>
    public string? ChownSocket { get; init; }
    public bool Vacuum { get; init; }
    /// <summary>reuse-port: SO_REUSEPORT on TCP sockets (off: a second instance on the same address fails to bind).</summary>
    public bool ReusePort { get; init; }
    /// <summary>http-socket: keep header fields whose name contains '_' (dropped by default, as nginx does).</summary>
    public bool UnderscoresInHeaders { get; init; }

    // ---- process model (2.1) ----
    public int Processes { get; init; } = 1;
    public int Threads { get; init; } = 1;
    /// <summary>Always effectively true; `master = false` is accepted with a notice.</summary>
    public bool Master { get; init; } = true;
    public bool LazyApps { get; init; }
    public bool Lazy { get; init; }
    /// <summary>Stop when no worker can load the app. dotnetwsgi default on (uWSGI 2.0: off).</summary>
    public bool NeedApp { get; init; } = true;
    public bool ThunderLock { get; init; }
    /// <summary>cpu-affinity: pin each worker to this many CPUs (0: not pinned).</summary>
    public int CpuAffinity { get; init; }

    // ---- recycling and limits (2.2); durations in whole seconds as uWSGI ----
    public int Harakiri { get; init; }
    public bool HarakiriVerbose { get; init; }
    public long MaxRequests { get; init; }
    /// <summary>dotnetwsgi extension: random 0..N extra requests per worker so workers do not recycle together.</summary>
    public long MaxRequestsDelta { get; init; }
    public int MinWorkerLifetime { get; init; } = 10;
    public int MaxWorkerLifetime { get; init; }

    // ---- cheaper (adaptive worker count) ----
    /// <summary>Minimum workers when the cheaper subsystem is on; 0 = off.</summary>
    public int Cheaper { get; init; }
    /// <summary>Workers at start with cheaper; 0 = Cheaper.</summary>
    public int CheaperInitial { get; init; }
    public int CheaperStep { get; init; } = 1;
    public int CheaperOverload { get; init; } = 3;
    public string CheaperAlgo { get; init; } = "spare";
    public int CheaperIdle { get; init; } = 10;
    public int CheaperBusynessMin { get; init; } = 25;
    public int CheaperBusynessMax { get; init; } = 50;
    /// <summary>busyness: a worker is cheaped after cheaper-overload × this many seconds below the minimum (uWSGI's default 10).</summary>
    public int CheaperBusynessMultiplier { get; init; } = 10;
    /// <summary>busyness: more than this many connections in the listen queue spawn emergency workers at once.</summary>
    public int CheaperBusynessBacklogAlert { get; init; } = 33;
    /// <summary>busyness: emergency workers spawned on a backlog alert or a long non-empty queue.</summary>
    public int CheaperBusynessBacklogStep { get; init; } = 1;
    /// <summary>busyness: seconds of a non-empty listen queue that spawn workers even at low busyness.</summary>
    public int CheaperBusynessBacklogNonzero { get; init; } = 60;
    /// <summary>busyness: added to the multiplier when workers are spawned again within overload × multiplier seconds of a cheap (uWSGI's default 2).</summary>
    public int CheaperBusynessPenalty { get; init; } = 2;
    /// <summary>busyness: the multiplier while emergency (backlog) workers run (uWSGI's default 3).</summary>
    public int CheaperBusynessBacklogMultiplier { get; init; } = 3;
    /// <summary>busyness: log every sample's figures.</summary>
    public bool CheaperBusynessVerbose { get; init; }
    /// <summary>Bytes, 0 = off: no worker is spawned while the workers' total RSS is at or above it.</summary>
    public long CheaperRssLimitSoft { get; init; }
    /// <summary>Bytes, 0 = off: a worker is cheaped while the workers' total RSS is at or above it.</summary>
    public long CheaperRssLimitHard { get; init; }
    /// <summary>Megabytes, 0 = off.</summary>
    public long ReloadOnRss { get; init; }
    public long ReloadOnAs { get; init; }
    public long EvilReloadOnRss { get; init; }
    public int WorkerReloadMercy { get; init; } = 60;
    public int ReloadMercy { get; init; }
    /// <summary>Megabytes, 0 = off.</summary>
    public long LimitAs { get; init; }
    /// <summary>Bytes, 0 = unlimited.</summary>
    public long LimitPost { get; init; }
    public long PostBuffering { get; init; }
    /// <summary>Max request head / uwsgi vars block. dotnetwsgi default 65535 (uWSGI: 4096); clamped to 65535.</summary>
    public int BufferSize { get; init; } = 65535;
    /// <summary>Seconds for reading a request head/body and for writes.</summary>
    public int SocketTimeout { get; init; } = 4;
    /// <summary>
    /// Seconds a whole request head may take to arrive, counted from its first byte, however often
    /// bytes arrive (0 = no limit). dotnetwsgi extension: uWSGI only has socket-timeout, which
    /// restarts with every byte.
    /// </summary>
    public int RequestHeadTimeout { get; init; } = 10;
    public int MaxVars { get; init; } = 64;

    // ---- Python app (2.4) ----
    public string? Module { get; init; }
    public string? WsgiFile { get; init; }
    public string Callable { get; init; } = "application";
    public IReadOnlyList<MountSpec> Mounts { get; init; } = [];
    public bool ManageScriptName { get; init; }
    public IReadOnlyList<string> PythonPath { get; init; } = [];
    /// <summary>`home` / `virtualenv` / `venv` / `pyhome`.</summary>
    public string? Home { get; init; }
    /// <summary>dotnetwsgi extension: explicit libpython to load.</summary>
    public string? PythonLibrary { get; init; }
    /// <summary>dotnetwsgi extension: interpreter to ask for LIBDIR/LDLIBRARY (default /usr/bin/python3).</summary>
    public string? PythonExecutable { get; init; }
    /// <summary>Seconds between module mtime scans, 0 = off.</summary>
    public int PyAutoreload { get; init; }
    public string? Chdir { get; init; }
    public string? Chdir2 { get; init; }
    public IReadOnlyList<EnvSetting> Env { get; init; } = [];
    public IReadOnlyList<StaticMap> StaticMaps { get; init; } = [];
    public bool EnableThreads { get; init; } = true;
    public bool SingleInterpreter { get; init; }
    public bool WsgiDisableFileWrapper { get; init; }

    // ---- control and files (2.5) ----
    public string? Pidfile { get; init; }
    public string? Pidfile2 { get; init; }
    public string? Uid { get; init; }
    public string? Gid { get; init; }
    public string? Daemonize { get; init; }
    public bool DieOnTerm { get; init; }
    public IReadOnlyList<string> MasterFifo { get; init; } = [];
    public IReadOnlyList<string> TouchReload { get; init; } = [];
    public IReadOnlyList<string> TouchWorkersReload { get; init; } = [];
    public IReadOnlyList<string> TouchChainReload { get; init; } = [];
    public IReadOnlyList<string> TouchLogReopen { get; init; } = [];
    public bool ExitOnReload { get; init; }
    /// <summary>attach-daemon: commands the master runs, restarts and stops with itself.</summary>
    public IReadOnlyList<string> AttachDaemon { get; init; } = [];
    /// <summary>attach-daemon2: key=value daemon definitions.</summary>
    public IReadOnlyList<string> AttachDaemon2 { get; init; } = [];
    /// <summary>smart-attach-daemon: `PIDFILE COMMAND`, tracked by pidfile, survives the master.</summary>
    public IReadOnlyList<string> SmartAttachDaemon { get; init; } = [];
    /// <summary>smart-attach-daemon2: key=value definitions with pidfile=.</summary>
    public IReadOnlyList<string> SmartAttachDaemon2 { get; init; } = [];

    // ---- logging (2.6) ----
    public string? Logto { get; init; }
    /// <summary>Bytes, 0 = no rotation.</summary>
    public long LogMaxsize { get; init; }
    public bool DisableLogging { get; init; }
    public bool Log4xx { get; init; }
    public bool Log5xx { get; init; }
    public string? LogFormat { get; init; }
    /// <summary>dotnetwsgi extension: `log-format-json = true` writes request lines as JSON objects.</summary>
    public bool LogFormatJson { get; init; }
    public bool LogDate { get; init; }
    public bool LogMicros { get; init; }
    public bool LogReopen { get; init; }

    // ---- stats and admin (2.7) ----
    public string? Stats { get; init; }
    public bool StatsHttp { get; init; }
    public bool StatsMinified { get; init; }
    public bool MemoryReport { get; init; }
    /// <summary>dotnetwsgi extension: HTTP admin listener with /metrics, /healthz, /readyz.</summary>
    public string? AdminHttp { get; init; }
    /// <summary>dotnetwsgi extension: `stats-request-vars = true` shows in-flight request vars in the stats JSON (they carry cookies; off by default).</summary>
    public bool StatsRequestVars { get; init; }
    /// <summary>dotnetwsgi extension: `admin-ready-workers = N`: /readyz answers 200 once N workers accept (default 1).</summary>
    public int AdminReadyWorkers { get; init; } = 1;

    // ---- Python API services ----
    /// <summary>`cache2 = name=...,items=...` specs as written (CacheSpec parses them).</summary>
    public IReadOnlyList<string> Cache2 { get; init; } = [];
    /// <summary>Items of the old-style cache (`cache = N`, named `default`), 0 = none.</summary>
    public long Cache { get; init; }
    public long CacheBlocksize { get; init; } = 65536;
    /// <summary>Spool directories (each served by SpoolerProcesses processes of the master).</summary>
    public IReadOnlyList<string> Spooler { get; init; } = [];
    public int SpoolerProcesses { get; init; } = 1;
    public int SpoolerFrequency { get; init; } = 30;
    /// <summary>`mule` entries: empty = a bare mule, else the script it runs.</summary>
    public IReadOnlyList<string> Mule { get; init; } = [];
    /// <summary>Bare mules added by `mules = N` (numbered after the `mule` entries).</summary>
    public int Mules { get; init; }

    // ---- the Emperor (one master per vassal ini) ----
    /// <summary>Vassal directories (every `*.ini` in them) or globs (`/etc/vassals/*.ini`); non-empty = run the Emperor.</summary>
    public IReadOnlyList<string> Emperor { get; init; } = [];
    /// <summary>Seconds between directory scans (uWSGI: 3).</summary>
    public int EmperorFreq { get; init; } = 3;
    /// <summary>Milliseconds: first restart delay of a vassal that died before it was loyal (uWSGI: 1000).</summary>
    public int EmperorThrottle { get; init; } = 1000;
    /// <summary>Milliseconds: the delay doubles per early death up to this (uWSGI: 3 minutes).</summary>
    public int EmperorMaxThrottle { get; init; } = 180_000;
    public string? EmperorStats { get; init; }
    public string? EmperorPidfile { get; init; }
    public IReadOnlyList<string> VassalsInclude { get; init; } = [];
    public IReadOnlyList<string> VassalsInherit { get; init; } = [];
    public IReadOnlyList<string> VassalsIncludeBefore { get; init; } = [];
    public IReadOnlyList<string> VassalsInheritBefore { get; init; } = [];
    /// <summary>`vassals-set = KEY=VALUE`: passed to every vassal as `--set KEY=VALUE` after its files.</summary>
    public IReadOnlyList<string> VassalsSet { get; init; } = [];

    // ---- custom keys ----
    /// <summary>Keys that are not options and not close to one (`acc-custom = hello`), in order; repeated keys repeat.</summary>
    public IReadOnlyList<CustomOption> CustomOptions { get; init; } = [];

    // ---- where it came from ----
    /// <summary>The top-level config file (first `--ini` or positional), for messages and reloads.</summary>
    public string? ConfigFile { get; init; }
}
