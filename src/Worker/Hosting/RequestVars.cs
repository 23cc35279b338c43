// Overview
// The CGI variables of one request as raw bytes, in wire order: what nginx sends as uwsgi vars,
// or what the HTTP parser synthesises from the request head. Python sees them decoded as latin-1
// (PEP 3333 "native strings"). Stored in one growable buffer with an index, so a request costs
// no per-variable allocation; the instance is reused by its serving thread.

using System.Text;

namespace DotnetWsgi.Worker.Hosting;

public sealed class RequestVars
{
    private byte[] _buffer = new byte[4096];
    private int _used;
    private int[] _index = new int[4 * 64]; // keyOff, keyLen, valOff, valLen per var
    private int _count;

    public int Count => _count;

    /// <summary>Bytes of the vars block as uWSGI counts it: 2+key+2+value per var (for the request log).</summary>
    public int BlockSize { get; private set; }

    public void Clear()
    {
        _used = 0;
        _count = 0;
        BlockSize = 0;
    }

    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        int need = key.Length + value.Length;
        if (_used + need > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _used + need));
        if ((_count + 1) * 4 > _index.Length)
            Array.Resize(ref _index, _index.Length * 2);
        int i = _count * 4;
        _index[i] = _used;
        _index[i + 1] = key.Length;
        key.CopyTo(_buffer.AsSpan(_used));
        _used += key.Length;
        _index[i + 2] = _used;
        _index[i + 3] = value.Length;
        value.CopyTo(_buffer.AsSpan(_used));
        _used += value.Length;
        _count++;
        BlockSize += 4 + need;
    }

    public void Add(string key, string value) => Add(Encoding.Latin1.GetBytes(key), Encoding.Latin1.GetBytes(value));

    public ReadOnlySpan<byte> Key(int i) => _buffer.AsSpan(_index[i * 4], _index[i * 4 + 1]);

    public ReadOnlySpan<byte> Value(int i) => _buffer.AsSpan(_index[i * 4 + 2], _index[i * 4 + 3]);

    /// <summary>The last value of key (duplicates: the last one wins, as in uWSGI's environ).</summary>
    public bool TryGet(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        for (int i = _count - 1; i >= 0; i--)
        {
            if (Key(i).SequenceEqual(key))
            {
                value = Value(i);
                return true;
            }
        }
        value = default;
        return false;
    }

    public string? GetString(string key)
        => TryGet(Encoding.ASCII.GetBytes(key), out var v) ? Encoding.Latin1.GetString(v) : null;
}
