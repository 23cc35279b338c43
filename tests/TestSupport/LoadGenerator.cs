// Load for tests that change an instance under traffic (recycles, cheaper, reloads): N client threads
// requesting a path until stopped, one connection per request (as nginx's uwsgi_pass does). It counts
// what was sent, answered and failed, the failures by kind (an HTTP status, a connection error, a
// timeout), so a failed assertion says what a client saw.

using System.Net.Sockets;

namespace DotnetWsgi.TestSupport;

public sealed class LoadGenerator : IDisposable
{
    private readonly List<Thread> _threads = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60), DefaultRequestHeaders = { ConnectionClose = true } };
    private readonly Dictionary<string, int> _failures = [];
    private readonly List<string> _errors = [];
    private readonly HashSet<string> _bodies = [];
    private volatile bool _stop;
    private int _sent, _answered;

    public LoadGenerator(int port, string path, int clients = 2)
    {
        for (int i = 0; i < clients; i++)
        {
            var t = new Thread(() => Run($"http://127.0.0.1:{port}{path}")) { IsBackground = true };
            _threads.Add(t);
            t.Start();
        }
    }

    public int Sent => Volatile.Read(ref _sent);
    /// <summary>Requests answered 2xx.</summary>
    public int Answered => Volatile.Read(ref _answered);
    public int Failed { get { lock (_failures) return _failures.Values.Sum(); } }
    /// <summary>Failures by kind: "HTTP 502", "ConnectionError (ConnectionReset)", "timeout", ...</summary>
    public Dictionary<string, int> FailuresByKind { get { lock (_failures) return new(_failures); } }
    /// <summary>The distinct response bodies (with /pid: the workers that answered).</summary>
    public HashSet<string> Bodies { get { lock (_bodies) return [.. _bodies]; } }

    /// <summary>"sent N, answered N, failed N (kind: n, ...): first errors".</summary>
    public override string ToString()
    {
        string kinds = string.Join(", ", FailuresByKind.Select(k => $"{k.Key}: {k.Value}"));
        string errors;
        lock (_errors) errors = string.Join("; ", _errors.Take(5));
        return $"sent {Sent}, answered {Answered}, failed {Failed}" + (kinds.Length > 0 ? $" ({kinds}): {errors}" : "");
    }

    /// <summary>Stops the clients and fails unless something was answered and nothing failed.</summary>
    public void StopAndAssertNoneFailed()
    {
        Stop();
        if (Failed > 0 || Answered == 0) throw new InvalidOperationException($"load: {this}");
    }

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

    private void Run(string url)
    {
        while (!_stop)
        {
            Interlocked.Increment(ref _sent);
            try
            {
                using var response = _http.GetAsync(url).GetAwaiter().GetResult();
                string body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                if (!response.IsSuccessStatusCode)
                {
                    Fail($"HTTP {(int)response.StatusCode}", $"HTTP {(int)response.StatusCode}: {body}");
                    continue;
                }
                Interlocked.Increment(ref _answered);
                lock (_bodies) _bodies.Add(body);
            }
            catch (Exception e)
            {
                Fail(Kind(e), e.Message);
            }
        }
    }

    private void Fail(string kind, string error)
    {
        lock (_failures) _failures[kind] = _failures.GetValueOrDefault(kind) + 1;
        lock (_errors) _errors.Add(error);
    }

    private static string Kind(Exception e) => e switch
    {
        TaskCanceledException => "timeout",
        HttpRequestException { InnerException: SocketException s } h => $"{h.HttpRequestError} ({s.SocketErrorCode})",
        HttpRequestException { InnerException: IOException { InnerException: SocketException s } } h => $"{h.HttpRequestError} ({s.SocketErrorCode})",
        HttpRequestException h => h.HttpRequestError.ToString(),
        _ => e.GetType().Name,
    };
}
