// Overview
// `dotnetwsgi top ADDRESS`: a live view of a running instance read from its stats socket, refreshed
// every second, on the terminal's alternate screen so the shell's screen comes back on exit. Keys
// are read with Ctrl-C treated as input, so both `q` and Ctrl-C end the loop the same way and the
// finally blocks restore the console. A failed fetch is shown and retried; only an address that
// never answers before the first frame ends the command with one line and exit 1.

using Spectre.Console;

namespace DotnetWsgi.Manager.Top;

public static class TopCommand
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);

    public static int Run(string[] args)
    {
        if (args.Length != 1 || args[0].StartsWith('-'))
        {
            Console.Error.WriteLine("usage: dotnetwsgi top ADDRESS   (the instance's `stats` address: host:port or a unix socket path)");
            return 2;
        }
        var client = new StatsClient(args[0], TimeSpan.FromSeconds(5));
        string first;
        try { first = client.FetchAsync(CancellationToken.None).GetAwaiter().GetResult(); }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException or FormatException)
        {
            Console.Error.WriteLine($"dotnetwsgi top: cannot read stats from {args[0]}: {e.Message}");
            return 1;
        }
        bool interactive = !Console.IsInputRedirected;
        bool treatCtrlC = interactive && Console.TreatControlCAsInput;
        using var quit = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; quit.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            if (interactive) Console.TreatControlCAsInput = true;
            AnsiConsole.AlternateScreen(() => Loop(client, first, interactive, quit));
            return 0;
        }
        finally
        {
            if (interactive) Console.TreatControlCAsInput = treatCtrlC;
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static void Loop(StatsClient client, string first, bool interactive, CancellationTokenSource quit)
    {
        (TopModel? Model, string? Error) state = Parse(first);
        AnsiConsole.Live(TopView.Render(client.Address, state.Model, state.Error, DateTimeOffset.Now)).Start(live =>
        {
            var next = DateTime.UtcNow + Refresh;
            while (!quit.IsCancellationRequested)
            {
                if (interactive && Console.KeyAvailable && IsQuit(Console.ReadKey(intercept: true))) break;
                if (DateTime.UtcNow < next)
                {
                    quit.Token.WaitHandle.WaitOne(50);
                    continue;
                }
                state = Fetch(client, state.Model, quit.Token);
                live.UpdateTarget(TopView.Render(client.Address, state.Model, state.Error, DateTimeOffset.Now));
                next = DateTime.UtcNow + Refresh;
            }
        });
    }

    private static bool IsQuit(ConsoleKeyInfo key)
        => key.KeyChar is 'q' or 'Q' || key.Key == ConsoleKey.C && key.Modifiers.HasFlag(ConsoleModifiers.Control);

    private static (TopModel?, string?) Fetch(StatsClient client, TopModel? last, CancellationToken token)
    {
        try { return Parse(client.FetchAsync(token).GetAwaiter().GetResult()); }
        catch (OperationCanceledException) when (token.IsCancellationRequested) { return (last, null); }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return (last, $"stats unavailable: {e.Message} (retrying)");
        }
    }

    private static (TopModel?, string?) Parse(string json)
    {
        try { return (TopModel.Parse(json, DateTimeOffset.UtcNow), null); }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (null, $"not a stats document: {e.Message}");
        }
    }
}
