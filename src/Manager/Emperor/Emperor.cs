// Overview
// The Emperor (`emperor = DIR` or a glob): one dotnetwsgi instance (a vassal) per ini file, each
// started as `dotnetwsgi --ini FILE` in the file's directory, its output in the Emperor's log. Once a
// second the Emperor scans the files, as uWSGI's polling does:
//   a new file            starts a vassal;
//   a touched file        reloads it in place (SIGHUP: same vassal master, new workers); a changed
//                         file is applied by that reload too, since a reload re-reads the ini;
//   a removed file        stops it gracefully (SIGTERM: in-flight requests finish);
//   a vassal that died    is restarted after emperor-throttle ms, doubled per quick death up to
//                         emperor-max-throttle (a vassal that keeps dying is throttled).
// SIGTERM/SIGINT/fifo-less `q` stop the Emperor: every vassal is stopped gracefully, then it exits 0.
// SIGQUIT stops the vassals at once. The vassals' exits come from System.Diagnostics.Process.

using System.Diagnostics;
using System.Threading.Channels;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Master;
using DotnetWsgi.Native.Interop;
using Serilog;

namespace DotnetWsgi.Manager.Emperor;

public sealed partial class Emperor(ServerOptions options, ILogger log, (string FileName, IReadOnlyList<string> Arguments) self)
{
    private static readonly TimeSpan ScanInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(10);
    private readonly Channel<(MasterCommand Command, string Source)> _commands = Channel.CreateUnbounded<(MasterCommand, string)>();
    private readonly Dictionary<string, Vassal> _vassals = new(StringComparer.Ordinal);
    private bool _stopping;
    private bool _notifiedStop;

    public int Run()
    {
        log.Information("*** starting uWSGI Emperor (dotnetwsgi) on {Pattern} ***", options.Emperor);
        // Taken (and removed from the environment) here: vassals must not speak for the Emperor's unit.
        using var notifier = SystemdNotifier.FromEnvironment(Environment.GetEnvironmentVariable, Environment.ProcessId, log);
        using var signals = new SignalQueue((command, source) => _commands.Writer.TryWrite((command, source)));
        bool ready = false;
        while (true)
        {
            if (!_stopping) Scan();
            if (!ready && !_stopping)
            {
                ready = true;
                notifier?.Ready($"The Emperor is governing {_vassals.Count} vassals");
            }
            if (_stopping && notifier is not null && !_notifiedStop)
            {
                _notifiedStop = true;
                notifier.Stopping("The Emperor is stopping its vassals");
            }
            RestartDue();
            if (_stopping && _vassals.Values.All(v => v.Process is null)) break;
            WaitForCommand();
            while (_commands.Reader.TryRead(out var c)) Handle(c.Command, c.Source);
        }
        log.Information("The Emperor is buried.");
        return 0;
    }

    private void WaitForCommand()
    {
        using var cts = new CancellationTokenSource(ScanInterval);
        try { _commands.Reader.WaitToReadAsync(cts.Token).AsTask().GetAwaiter().GetResult(); }
        catch (OperationCanceledException) { }
    }

    private void Handle(MasterCommand command, string source)
    {
        switch (command)
        {
            case MasterCommand.GracefulStop or MasterCommand.StopNow:
                bool now = command == MasterCommand.StopNow || _stopping;
                log.Information("{Source}: stopping every vassal{How}", source, now ? " at once" : " gracefully");
                _stopping = true;
                foreach (var v in _vassals.Values) Signal(v, now ? Signals.SIGQUIT : Signals.SIGTERM);
                break;
            case MasterCommand.GracefulReload:
                log.Information("{Source}: reloading every vassal", source);
                foreach (var v in _vassals.Values) Signal(v, Signals.SIGHUP);
                break;
        }
    }

    /// <summary>The vassal files now: a directory's *.ini, or the files a glob names.</summary>
    private List<string> VassalFiles()
    {
        string pattern = Path.GetFullPath(options.Emperor!);
        if (Directory.Exists(pattern)) return Directory.GetFiles(pattern, "*.ini").Order(StringComparer.Ordinal).ToList();
        string dir = Path.GetDirectoryName(pattern)!, glob = Path.GetFileName(pattern);
        return Directory.Exists(dir) ? Directory.GetFiles(dir, glob).Order(StringComparer.Ordinal).ToList() : [];
    }

    private void Scan()
    {
        var files = VassalFiles();
        foreach (var file in files)
        {
            var stamp = VassalStamp.Of(file);
            if (stamp is null) continue;
            if (!_vassals.TryGetValue(file, out var v))
            {
                v = new Vassal(file, stamp.Value);
                _vassals[file] = v;
                log.Information("[emperor] vassal {File} added", file);
                Start(v);
            }
            else if (stamp != v.Stamp)
            {
                log.Information("[emperor] vassal {File} {What}: reloading it", file, stamp.Value.Hash != v.Stamp.Hash ? "changed" : "touched");
                v.Stamp = stamp.Value;
                Signal(v, Signals.SIGHUP);
            }
        }
        foreach (var gone in _vassals.Values.Where(v => !files.Contains(v.File) && !v.Removed).ToList())
        {
            log.Information("[emperor] vassal {File} removed: stopping it", gone.File);
            gone.Removed = true;
            if (gone.Process is null) _vassals.Remove(gone.File);
            else Signal(gone, Signals.SIGTERM);
        }
    }
}
