// A concurrent client loop: N threads requesting a path until stopped, counting successes and failures.

namespace DotnetWsgi.Manager.Tests.Support;

public sealed class LoadLoop : IDisposable
{
    private readonly List<Thread> _threads = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60), DefaultRequestHeaders = { ConnectionClose = true } };
    private volatile bool _stop;
    private int _ok, _failed;
    private readonly List<string> _errors = [];
    private readonly HashSet<string> _bodies = [];

    public LoadLoop(int port, string path, int clients = 2)
    {
        for (int i = 0; i < clients; i++)
        {
            var t = new Thread(() =>
            {
                while (!_stop)
                {
                    try
                    {
                        string body = _http.GetStringAsync($"http://127.0.0.1:{port}{path}").GetAwaiter().GetResult();
                        Interlocked.Increment(ref _ok);
                        lock (_bodies) _bodies.Add(body);
                    }
                    catch (Exception e)
                    {
                        Interlocked.Increment(ref _failed);
                        lock (_errors) _errors.Add(e.Message);
                    }
                }
            }) { IsBackground = true };
            _threads.Add(t);
            t.Start();
        }
    }

    public int Ok => Volatile.Read(ref _ok);
    public int Failed => Volatile.Read(ref _failed);
    public string Errors { get { lock (_errors) return string.Join("; ", _errors.Take(5)); } }
    public HashSet<string> Bodies { get { lock (_bodies) return [.. _bodies]; } }

    public void Stop()
    {
        _stop = true;
        foreach (var t in _threads) t.Join(TimeSpan.FromSeconds(70));
    }

    public void Dispose()
    {
        Stop();
        _http.Dispose();
    }
}
