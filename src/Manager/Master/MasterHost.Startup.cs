// The start-up steps of MasterHost, in uWSGI's order and wording.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Master;

internal sealed partial class MasterHost
{
    private void LogBanner()
    {
        _log.Information("*** Starting dotnetwsgi {Version} (uWSGI-compatible) on [{Now:ddd MMM d HH:mm:ss yyyy}] ***",
            typeof(MasterHost).Assembly.GetName().Version?.ToString(3), DateTimeOffset.Now);
        _log.Information("detected number of CPU cores: {Cores}", Environment.ProcessorCount);
        _log.Information("current working directory: {Cwd}", Directory.GetCurrentDirectory());
        _log.Information("detected binary path: {Path}", Environment.ProcessPath);
        _log.Information("thunder lock: {State}", options.ThunderLock ? "enabled" : "disabled (the kernel balances accept() across workers)");
    }

    private void WritePidfile(string? path)
    {
        if (path is null) return;
        var pidfile = new Pidfile(path, _pid);
        _log.Information("writing pidfile to {Path}", pidfile.Path);
        pidfile.WriteAtStartup();
        _pidfiles.Add(pidfile);
    }

    private void WritePidfileSafely(Pidfile pidfile)
    {
        _log.Information("writing pidfile to {Path}", pidfile.Path);
        try { pidfile.Write(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Error("{Message}", pidfile.FailureMessage(e));
        }
    }

    private void WarnIfBacklogClamped()
    {
        _log.Information("your server socket listen backlog is limited to {Listen} connections", options.Listen);
        if (ProcFs.Default.SoMaxConn() is int max && options.Listen > max)
            _log.Warning("*** WARNING: listen = {Listen} is above the kernel's net.core.somaxconn ({Max}): the backlog is {Max} ***", options.Listen, max, max);
        _log.Information("your mercy for graceful operations on workers is {Mercy} seconds", options.WorkerReloadMercy);
    }

    private void ApplySocketOwnership()
    {
        uint? uid = null, gid = null;
        if (options.ChownSocket is string owner)
        {
            var parts = owner.Split(':', 2);
            uid = Libc.LookupUser(parts[0]) ?? throw new MasterStartupException($"chown-socket = {owner}: unknown user {parts[0]}");
            if (parts.Length == 2) gid = Libc.LookupGroup(parts[1]) ?? throw new MasterStartupException($"chown-socket = {owner}: unknown group {parts[1]}");
        }
        if (options.ChmodSocket is int mode && mode == 438 /* 0666 */) _log.Information("chmod() socket to 666 for lazy and brave users");
        try { _listeners!.ApplyUnixPermissions(options.ChmodSocket, uid, gid); }
        catch (NativeException e) { throw new MasterStartupException($"cannot set unix socket permissions: {e.Message}"); }
    }

    private void ChangeDirectory()
    {
        if (options.Chdir is not string dir) return;
        try { Directory.SetCurrentDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MasterStartupException($"chdir = {dir}: {e.Message}");
        }
        _log.Information("chdir() to {Dir}", dir);
    }

    /// <summary>uid/gid drop when started as root, after the sockets are bound (so privileged ports work).</summary>
    private void DropPrivileges()
    {
        if (Libc.GetUid() != 0)
        {
            if (options.Uid is not null || options.Gid is not null) _log.Warning("uid/gid ignored: not running as root");
            return;
        }
        if (options.Gid is string g)
        {
            uint gid = Libc.LookupGroup(g) ?? throw new MasterStartupException($"gid = {g}: unknown group");
            Libc.SetGroups([gid]); // root's supplementary groups must not survive the drop
            Libc.SetGid(gid);
            _log.Information("setgid() to {Gid}", gid);
        }
        if (options.Uid is string u)
        {
            uint uid = Libc.LookupUser(u) ?? throw new MasterStartupException($"uid = {u}: unknown user");
            if (options.Gid is null) Libc.SetGroups([Libc.GetGid()]);
            Libc.SetUid(uid);
            _log.Information("setuid() to {Uid}", uid);
        }
        else _log.Warning("*** WARNING: you are running dotnetwsgi as root !!! (use the --uid flag) ***");
    }

    /// <summary>Each deliberate difference from uWSGI that applies to this configuration, once.</summary>
    private void LogDifferences()
    {
        _log.Information("dotnetwsgi: SIGTERM and SIGINT stop gracefully (in-flight requests finish; a second signal stops at once); uWSGI's SIGTERM is a brutal reload");
        _log.Information("dotnetwsgi: every worker loads the app itself (uWSGI's lazy-apps); reloads start the new workers before the old ones stop, so no connection is refused");
        if (!options.Master) _log.Information("dotnetwsgi: master = false is accepted but a master always runs");
        if (options.NeedApp) _log.Information("dotnetwsgi: need-app is on by default: the instance stops (exit 22) if no worker can load the app");
        if (options.Harakiri > 0) _log.Information("dotnetwsgi: harakiri is per request; the stuck request and its Python stack are logged before the worker is killed");
        if (options.Vacuum && options.MasterFifo.Count > 0) _log.Information("dotnetwsgi: vacuum also removes the master fifos");
        if (options.LimitAs > 0) _log.Information("dotnetwsgi: limit-as = {Limit} MB caps each worker's resident memory (recycled above it, killed above twice it), not its address space", options.LimitAs);
        _log.Information("dotnetwsgi: SIGUSR2 logs what each worker is doing; it does not kill the master");
    }
}
