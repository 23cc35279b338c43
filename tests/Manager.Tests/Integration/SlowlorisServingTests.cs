// Slowloris against the published binary: connections that send a request head one byte at a time
// (well within socket-timeout, so no per-read timeout ever ends them) must not take the serving
// threads from normal clients, on http-socket and on the uwsgi `socket` alike; and a head that never
// completes is closed at request-head-timeout although its bytes keep coming.

using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using DotnetWsgi.Manager.Tests.Faults;

namespace DotnetWsgi.Manager.Tests.Integration;

[Collection("real processes")]
public class SlowlorisServingTests
{
    private const int Attackers = 50;

    [BinaryTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void NormalClient_IsServed_While50ConnectionsTrickleTheirHeads_OnTwoThreads(bool uwsgi)
    {
        int uwsgiPort = Repo.FreePort();
        using var dn = new BinaryInstance(1, "threads = 2", "socket-timeout = 30", "request-head-timeout = 120",
            $"socket = 127.0.0.1:{uwsgiPort}").WaitServing();
        int port = uwsgi ? uwsgiPort : dn.Port;
        using var attack = new Trickler(port, Attackers, Head(uwsgi), TimeSpan.FromMilliseconds(200));
        Wait.Until(() => attack.BytesSentToEach >= 3, "every attack connection to have sent a few bytes");

        for (int i = 0; i < 10; i++)
            Assert.Equal(200, Request(port, uwsgi)); // each within 10 s: the old code left it waiting for a thread

        Assert.Equal(Attackers, attack.OpenCount); // the attack held: its connections were not just closed
    }

    [BinaryTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void TricklingHead_IsClosed_AtRequestHeadTimeout_ThoughBytesKeepComing(bool uwsgi)
    {
        int uwsgiPort = Repo.FreePort();
        int adminPort = Repo.FreePort();
        using var dn = new BinaryInstance(1, "socket-timeout = 30", "request-head-timeout = 2",
            $"socket = 127.0.0.1:{uwsgiPort}", $"admin-http = 127.0.0.1:{adminPort}").WaitServing();
        var watch = Stopwatch.StartNew();
        using var attack = new Trickler(uwsgi ? uwsgiPort : dn.Port, 1, Head(uwsgi), TimeSpan.FromMilliseconds(200));

        Wait.Until(() => attack.OpenCount == 0, "the trickling connection to be closed", TimeSpan.FromSeconds(60));

        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.9), $"closed after {watch.Elapsed}, before request-head-timeout");
        Assert.True(attack.BytesSentToEach >= 5, $"only {attack.BytesSentToEach} bytes were sent: the close was not a head deadline");
        dn.WaitLogged("request-head-timeout = 2 s");
        Wait.Until(() => FaultInstance.Metrics(adminPort).Contains("\ndotnetwsgi_request_head_timeouts_total 1\n"), "/metrics to count the late head");
        Assert.Equal(200, Request(uwsgi ? uwsgiPort : dn.Port, uwsgi)); // the instance serves on
    }

    /// <summary>A head that takes minutes at one byte per 200 ms (the trickle never finishes it).</summary>
    private static byte[] Head(bool uwsgi)
        => uwsgi ? UwsgiPacket(("REQUEST_METHOD", "GET"), ("PATH_INFO", "/pid"), ("X_SLOW", new string('a', 3000)))
            : Encoding.ASCII.GetBytes("GET /pid HTTP/1.1\r\nHost: t\r\nX-Slow: " + new string('a', 3000));

    /// <summary>One request on a new connection; the status, or an exception when no answer came within 10 s.</summary>
    private static int Request(int port, bool uwsgi)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000 };
        client.Connect("127.0.0.1", port);
        client.Send(uwsgi ? UwsgiPacket(("REQUEST_METHOD", "GET"), ("PATH_INFO", "/pid"), ("SERVER_PROTOCOL", "HTTP/1.1"))
            : "GET /pid HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"u8.ToArray());
        var reply = new MemoryStream();
        var buf = new byte[4096];
        int n;
        while ((n = client.Receive(buf)) > 0) reply.Write(buf, 0, n); // throws on the 10 s receive timeout
        var text = Encoding.ASCII.GetString(reply.ToArray());
        Assert.StartsWith("HTTP/1.", text);
        return int.Parse(text.Split(' ')[1]);
    }

    private static byte[] UwsgiPacket(params (string Key, string Value)[] vars)
    {
        var body = new MemoryStream();
        foreach (var (k, v) in vars)
            foreach (var s in new[] { k, v })
            {
                body.Write(BitConverter.GetBytes((ushort)s.Length));
                body.Write(Encoding.ASCII.GetBytes(s));
            }
        var size = BitConverter.GetBytes((ushort)body.Length);
        return [0, size[0], size[1], 0, .. body.ToArray()];
    }

    /// <summary>count connections that each send one byte of head per interval, never all of it.</summary>
    private sealed class Trickler : IDisposable
    {
        private readonly List<Socket> _open = [];
        private readonly List<Socket> _all = [];
        private readonly byte[] _head;
        private readonly TimeSpan _interval;
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _thread;
        private int _sent;

        public Trickler(int port, int count, byte[] head, TimeSpan interval)
        {
            _head = head;
            _interval = interval;
            for (int i = 0; i < count; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                s.Connect("127.0.0.1", port);
                _all.Add(s);
                _open.Add(s);
            }
            _thread = new Thread(Run) { IsBackground = true };
            _thread.Start();
        }

        public int BytesSentToEach => Volatile.Read(ref _sent);
        public int OpenCount { get { lock (_open) return _open.Count; } }

        private void Run()
        {
            for (int i = 0; i < _head.Length - 1 && !_stop.Token.WaitHandle.WaitOne(_interval); i++)
            {
                lock (_open)
                    _open.RemoveAll(s => !SendOne(s, _head[i]));
                Volatile.Write(ref _sent, i + 1);
            }
        }

        /// <summary>False when the server closed the connection (EOF or an answer to read, or a failed send).</summary>
        private static bool SendOne(Socket s, byte b)
        {
            if (s.Poll(0, SelectMode.SelectRead)) return false;
            try { return s.Send([b]) == 1; }
            catch (SocketException) { return false; }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _thread.Join(TimeSpan.FromSeconds(10));
            foreach (var s in _all) s.Dispose();
            _stop.Dispose();
        }
    }
}
