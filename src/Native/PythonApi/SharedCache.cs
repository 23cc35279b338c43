// uWSGI's caching framework: one named cache of fixed-size items in shared memory, created by the
// master (so it survives graceful reloads) and mapped by every worker, mule and spooler. Every
// operation holds the cache's robust mutex (SharedMutex), so a worker that crashes mid-operation
// cannot leave the cache locked.
//
// As uWSGI: `items = N` holds N-1 keys (item 0 is reserved), a value is at most blocksize bytes and
// a key at most keysize bytes; Set never overwrites an existing key (Update does); when full, Set
// fails unless purge_lru evicts the least recently used key. Expired keys read as absent at once
// (uWSGI's sweeper lets them linger up to a few seconds). The numeric operations (inc/dec/mul/div)
// keep the value as an 8-byte little-endian int64, as uWSGI's cache_inc does.
//
// Layout: header (HeaderBytes: magic, items, blocksize, keysize, purge_lru, count, lru clock, hits,
// misses, full, then the mutex at MutexOffset), then items-1 slots of ItemHeader + keysize + blocksize
// bytes (8-aligned). Lookup is a scan of the slot headers comparing a 64-bit hash first: caches hold
// hundreds to a few thousand keys, where a scan of contiguous headers costs microseconds.

using System.Text;

namespace DotnetWsgi.Native.PythonApi;

public sealed unsafe partial class SharedCache : IDisposable
{
    private const long Magic = 0x4548434143574e44; // "DNWCACHE"
    private const int HeaderBytes = 256, MutexOffset = 128, ItemHeader = 40;
    private const int HItems = 1, HBlock = 2, HKey = 3, HPurge = 4, HCount = 5, HClock = 6, HHits = 7, HMisses = 8, HFull = 9;

    private readonly SharedMemory _memory;
    private readonly long* _h;
    private readonly SharedMutex _mutex;

    public string Name { get; }
    public int Items { get; }
    public int BlockSize { get; }
    public int KeySize { get; }
    public bool PurgeLru { get; }
    private int SlotBytes => (ItemHeader + KeySize + BlockSize + 7) & ~7;
    public long Hits => Volatile.Read(ref _h[HHits]);
    public long Misses => Volatile.Read(ref _h[HMisses]);
    public long Full => Volatile.Read(ref _h[HFull]);
    public long Count => Volatile.Read(ref _h[HCount]);

    private SharedCache(string name, SharedMemory memory)
    {
        Name = name;
        _memory = memory;
        _h = (long*)memory.Base;
        if (_h[0] != Magic) throw new InvalidDataException($"{memory.Path} is not a dotnetwsgi cache");
        Items = (int)_h[HItems];
        BlockSize = (int)_h[HBlock];
        KeySize = (int)_h[HKey];
        PurgeLru = _h[HPurge] != 0;
        _mutex = new SharedMutex(memory.Base + MutexOffset);
    }

    /// <summary>Creates the cache file (master side).</summary>
    public static SharedCache Create(string path, string name, int items, int blockSize, int keySize, bool purgeLru)
    {
        if (items < 2 || blockSize < 1 || keySize < 1) throw new ArgumentException($"cache '{name}': items must be at least 2, blocksize and keysize at least 1");
        long slot = (ItemHeader + keySize + blockSize + 7) & ~7;
        var memory = SharedMemory.Create(path, HeaderBytes + (items - 1) * slot);
        long* h = (long*)memory.Base;
        h[HItems] = items; h[HBlock] = blockSize; h[HKey] = keySize; h[HPurge] = purgeLru ? 1 : 0;
        new SharedMutex(memory.Base + MutexOffset).Init();
        Volatile.Write(ref h[0], Magic);
        return new SharedCache(name, memory);
    }

    /// <summary>Maps a cache the master created.</summary>
    public static SharedCache Open(string path, string name) => new(name, SharedMemory.Open(path));

    public void Dispose() => _memory.Dispose();

    private byte* Slot(int i) => _memory.Base + HeaderBytes + (long)i * SlotBytes;
    // Slot header words: [0] used (0/1), [1] key length | value length << 32, [2] expires (unix s, 0 = never), [3] lru stamp, [4] key hash.
    private static ref long Used(byte* s) => ref ((long*)s)[0];
    private static int KeyLength(byte* s) => (int)(((long*)s)[1] & 0xffffffff);
    private static int ValueLength(byte* s) => (int)((ulong)((long*)s)[1] >> 32);
    private static ref long Expires(byte* s) => ref ((long*)s)[2];
    private static ref long Stamp(byte* s) => ref ((long*)s)[3];
    private static ref long Hash(byte* s) => ref ((long*)s)[4];
    private static Span<byte> Key(byte* s) => new(s + ItemHeader, KeyLength(s));
    private Span<byte> Value(byte* s) => new(s + ItemHeader + KeySize, ValueLength(s));

    private static long HashOf(ReadOnlySpan<byte> key)
    {
        ulong h = 14695981039346656037;
        foreach (byte b in key) h = (h ^ b) * 1099511628211;
        return (long)h;
    }

    /// <summary>The live slot holding key (expired ones are freed on the way), or null. Mutex held.</summary>
    private byte* Find(ReadOnlySpan<byte> key, long now)
    {
        long hash = HashOf(key);
        for (int i = 0; i < Items - 1; i++)
        {
            byte* s = Slot(i);
            if (Used(s) == 0 || Hash(s) != hash || !Key(s).SequenceEqual(key)) continue;
            if (Expires(s) != 0 && Expires(s) <= now)
            {
                Free(s);
                return null;
            }
            return s;
        }
        return null;
    }

    private void Free(byte* s)
    {
        Used(s) = 0;
        _h[HCount]--;
    }

    private void Touch(byte* s) => Stamp(s) = ++_h[HClock];

    /// <summary>A free slot, evicting the least recently used key when purge_lru allows; null when full. Mutex held.</summary>
    private byte* FreeSlot(long now)
    {
        byte* oldest = null;
        for (int i = 0; i < Items - 1; i++)
        {
            byte* s = Slot(i);
            if (Used(s) == 0) return s;
            if (Expires(s) != 0 && Expires(s) <= now)
            {
                Free(s);
                return s;
            }
            if (oldest == null || Stamp(s) < Stamp(oldest)) oldest = s;
        }
        if (!PurgeLru || oldest == null) return null;
        Free(oldest);
        return oldest;
    }

    private void Write(byte* s, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expires)
    {
        ((long*)s)[1] = (uint)key.Length | ((long)value.Length << 32); // both lengths are >= 0
        key.CopyTo(new Span<byte>(s + ItemHeader, KeySize));
        value.CopyTo(new Span<byte>(s + ItemHeader + KeySize, BlockSize));
        Expires(s) = expires;
        Hash(s) = HashOf(key);
        Touch(s);
    }

    public static string Text(ReadOnlySpan<byte> key) => Encoding.UTF8.GetString(key);
}
