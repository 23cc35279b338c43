// The cache operations of uwsgi.cache_*: each takes the mutex once. now is unix seconds (a
// parameter so tests drive expiry without sleeping); expires is relative seconds, 0 = never.

namespace DotnetWsgi.Native.PythonApi;

public enum CacheSetResult { Stored, Exists, TooBig, Full }

public sealed unsafe partial class SharedCache
{
    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public byte[]? Get(ReadOnlySpan<byte> key, long now)
    {
        using var _ = _mutex.Hold();
        byte* s = Find(key, now);
        if (s == null)
        {
            _h[HMisses]++;
            return null;
        }
        _h[HHits]++;
        Touch(s);
        return Value(s).ToArray();
    }

    public bool Exists(ReadOnlySpan<byte> key, long now)
    {
        using var _ = _mutex.Hold();
        return Find(key, now) != null;
    }

    /// <summary>cache_set (overwrite false: an existing key is kept) and cache_update (overwrite true).</summary>
    public CacheSetResult Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expires, bool overwrite, long now)
    {
        if (key.Length > KeySize || value.Length > BlockSize) return CacheSetResult.TooBig;
        using var _ = _mutex.Hold();
        byte* s = Find(key, now);
        if (s != null && !overwrite) return CacheSetResult.Exists;
        if (s == null)
        {
            s = FreeSlot(now);
            if (s == null)
            {
                _h[HFull]++;
                return CacheSetResult.Full;
            }
            Used(s) = 1;
            _h[HCount]++;
        }
        Write(s, key, value, expires > 0 ? now + expires : 0);
        return CacheSetResult.Stored;
    }

    public bool Delete(ReadOnlySpan<byte> key, long now)
    {
        using var _ = _mutex.Hold();
        byte* s = Find(key, now);
        if (s == null) return false;
        Free(s);
        return true;
    }

    public void Clear()
    {
        using var _ = _mutex.Hold();
        for (int i = 0; i < Items - 1; i++) Used(Slot(i)) = 0;
        _h[HCount] = 0;
    }

    /// <summary>The live keys, in slot order.</summary>
    public List<byte[]> Keys(long now)
    {
        using var _ = _mutex.Hold();
        var keys = new List<byte[]>();
        for (int i = 0; i < Items - 1; i++)
        {
            byte* s = Slot(i);
            if (Used(s) == 0) continue;
            if (Expires(s) != 0 && Expires(s) <= now) Free(s);
            else keys.Add(Key(s).ToArray());
        }
        return keys;
    }

    /// <summary>
    /// cache_inc/dec/mul/div: applies op to the key's int64 (a missing key counts as 0) and stores
    /// the result; null when the stored value is not 8 bytes or the cache is full.
    /// </summary>
    public long? Math(ReadOnlySpan<byte> key, char op, long amount, long expires, long now)
    {
        if (key.Length > KeySize || BlockSize < 8) return null;
        using var _ = _mutex.Hold();
        byte* s = Find(key, now);
        long current = 0, keptExpiry = s != null ? Expires(s) : 0;
        if (s != null)
        {
            if (ValueLength(s) != 8) return null;
            current = *(long*)(s + ItemHeader + KeySize);
        }
        long result = op switch
        {
            '+' => current + amount,
            '-' => current - amount,
            '*' => current * amount,
            '/' when amount != 0 => current / amount,
            _ => throw new ArgumentException($"cache math: bad operation '{op}' or division by zero"),
        };
        if (s == null)
        {
            s = FreeSlot(now);
            if (s == null)
            {
                _h[HFull]++;
                return null;
            }
            Used(s) = 1;
            _h[HCount]++;
        }
        Write(s, key, BitConverter.GetBytes(result), expires > 0 ? now + expires : keptExpiry);
        return result;
    }
}
