// Overview
// Maps the raw bytes of a CGI variable name to one interned Python str, so building an environ
// allocates no key objects: the common names are seeded at start-up and other names are added as
// they are seen, up to a cap (names come from clients; the cap bounds the memory they can pin).
// Open addressing on a power-of-two table. Only touched with the GIL held, which serialises it.

using DotnetWsgi.Worker.Python.CPython;

namespace DotnetWsgi.Worker.Python;

internal sealed class KeyCache
{
    private const int Capacity = 1024;     // slots; at most half used
    private const int MaxEntries = Capacity / 2;

    private readonly byte[]?[] _keys = new byte[]?[Capacity];
    private readonly PyObj[] _values = new PyObj[Capacity];
    private readonly int[] _hashes = new int[Capacity];
    private int _count;

    public static readonly string[] CommonNames =
    [
        "REQUEST_METHOD", "REQUEST_URI", "PATH_INFO", "QUERY_STRING", "SERVER_PROTOCOL", "SCRIPT_NAME",
        "SERVER_NAME", "SERVER_PORT", "REMOTE_ADDR", "REMOTE_PORT", "CONTENT_TYPE", "CONTENT_LENGTH",
        "DOCUMENT_ROOT", "REQUEST_SCHEME", "HTTPS", "UWSGI_SCHEME", "HTTP_HOST", "HTTP_USER_AGENT",
        "HTTP_ACCEPT", "HTTP_ACCEPT_ENCODING", "HTTP_ACCEPT_LANGUAGE", "HTTP_CONNECTION", "HTTP_COOKIE",
        "HTTP_REFERER", "HTTP_CACHE_CONTROL", "HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH",
        "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_SSL", "HTTP_X_REAL_IP",
        "HTTP_X_REQUESTED_WITH", "HTTP_AUTHORIZATION", "HTTP_ORIGIN", "HTTP_PRAGMA", "HTTP_UPGRADE_INSECURE_REQUESTS",
        "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_NONE_MATCH", "HTTP_TRANSFER_ENCODING", "HTTP_EXPECT",
    ];

    /// <summary>The cached str for a name, or Null when the cache is full and the name is new.</summary>
    public PyObj Get(ReadOnlySpan<byte> name)
    {
        int hash = Hash(name);
        int i = hash & (Capacity - 1);
        while (_keys[i] is { } k)
        {
            if (_hashes[i] == hash && name.SequenceEqual(k)) return _values[i];
            i = (i + 1) & (Capacity - 1);
        }
        if (_count >= MaxEntries) return PyObj.Null;
        var str = PyText.FromLatin1(name);
        _keys[i] = name.ToArray();
        _hashes[i] = hash;
        _values[i] = str.Release(); // owned by the cache for the process lifetime
        _count++;
        return _values[i];
    }

    public PyObj Get(string name) => Get(System.Text.Encoding.Latin1.GetBytes(name));

    private static int Hash(ReadOnlySpan<byte> s)
    {
        var h = new HashCode();
        h.AddBytes(s);
        return h.ToHashCode();
    }
}
