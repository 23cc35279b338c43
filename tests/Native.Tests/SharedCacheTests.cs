using System.Diagnostics;
using System.Text;
using DotnetWsgi.Native.PythonApi;

namespace DotnetWsgi.Native.Tests;

public sealed class SharedCacheTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"cache-{Guid.NewGuid():N}");
    private const long Now = 1_000_000;

    public void Dispose() => File.Delete(_path);

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Set_NeverOverwrites_UpdateDoes_AndAnOpenerSeesTheSameItems()
    {
        using var master = SharedCache.Create(_path, "c", items: 10, blockSize: 16, keySize: 8, purgeLru: false);
        using var worker = SharedCache.Open(_path, "c");
        Assert.Equal(CacheSetResult.Stored, master.Set(B("k"), B("one"), 0, overwrite: false, Now));
        Assert.Equal(CacheSetResult.Exists, worker.Set(B("k"), B("two"), 0, overwrite: false, Now));
        Assert.Equal("one", Encoding.UTF8.GetString(worker.Get(B("k"), Now)!));
        Assert.Equal(CacheSetResult.Stored, worker.Set(B("k"), B("three"), 0, overwrite: true, Now));
        Assert.Equal("three", Encoding.UTF8.GetString(master.Get(B("k"), Now)!));
        Assert.True(master.Delete(B("k"), Now));
        Assert.Null(worker.Get(B("k"), Now));
        Assert.False(worker.Exists(B("k"), Now));
    }

    [Fact]
    public void ItemsN_HoldsNMinusOneKeys_ThenFull_UnlessPurgeLruEvictsTheLeastRecentlyUsed()
    {
        using (var full = SharedCache.Create(_path, "c", items: 4, blockSize: 8, keySize: 8, purgeLru: false))
        {
            for (int i = 0; i < 3; i++) Assert.Equal(CacheSetResult.Stored, full.Set(B($"k{i}"), B("v"), 0, false, Now));
            Assert.Equal(CacheSetResult.Full, full.Set(B("k3"), B("v"), 0, false, Now));
            Assert.Equal(1, full.Full);
        }
        using var lru = SharedCache.Create(_path, "c", items: 4, blockSize: 8, keySize: 8, purgeLru: true);
        for (int i = 0; i < 3; i++) lru.Set(B($"k{i}"), B("v"), 0, false, Now);
        lru.Get(B("k0"), Now); // k1 is now the least recently used
        Assert.Equal(CacheSetResult.Stored, lru.Set(B("k3"), B("v"), 0, false, Now));
        Assert.Equal(["k0", "k2", "k3"], lru.Keys(Now).Select(Encoding.UTF8.GetString).Order());
    }

    [Fact]
    public void Expired_ReadsAsAbsent_AndFreesItsSlot()
    {
        using var cache = SharedCache.Create(_path, "c", items: 2, blockSize: 8, keySize: 8, purgeLru: false);
        Assert.Equal(CacheSetResult.Stored, cache.Set(B("k"), B("v"), expires: 5, overwrite: false, Now));
        Assert.NotNull(cache.Get(B("k"), Now + 4));
        Assert.Null(cache.Get(B("k"), Now + 5));
        Assert.Equal(CacheSetResult.Stored, cache.Set(B("other"), B("v"), 0, false, Now + 5));
    }

    [Fact]
    public void TooBigKeyOrValue_IsRefused()
    {
        using var cache = SharedCache.Create(_path, "c", items: 4, blockSize: 4, keySize: 3, purgeLru: false);
        Assert.Equal(CacheSetResult.TooBig, cache.Set(B("long"), B("v"), 0, false, Now));
        Assert.Equal(CacheSetResult.TooBig, cache.Set(B("k"), B("12345"), 0, false, Now));
        Assert.Equal(CacheSetResult.Stored, cache.Set(B("k"), B("1234"), 0, false, Now));
    }

    [Fact]
    public void Math_KeepsAnInt64_AMissingKeyCountsAsZero()
    {
        using var cache = SharedCache.Create(_path, "c", items: 4, blockSize: 16, keySize: 8, purgeLru: false);
        Assert.Equal(5, cache.Math(B("n"), '+', 5, 0, Now));
        Assert.Equal(15, cache.Math(B("n"), '*', 3, 0, Now));
        Assert.Equal(12, cache.Math(B("n"), '-', 3, 0, Now));
        Assert.Equal(4, cache.Math(B("n"), '/', 3, 0, Now));
        Assert.Equal(BitConverter.GetBytes(4L), cache.Get(B("n"), Now));
        cache.Set(B("s"), B("text"), 0, false, Now);
        Assert.Null(cache.Math(B("s"), '+', 1, 0, Now));
    }

    [Fact]
    public void ConcurrentIncrements_FromManyThreads_AreNotLost()
    {
        using var cache = SharedCache.Create(_path, "c", items: 4, blockSize: 16, keySize: 8, purgeLru: false);
        Parallel.For(0, 8, _ => { using var mine = SharedCache.Open(_path, "c"); for (int i = 0; i < 500; i++) mine.Math(B("n"), '+', 1, 0, Now); });
        Assert.Equal(4000, cache.Math(B("n"), '+', 0, 0, Now));
    }

    [Fact]
    public void ALockHeldByAProcessThatDied_IsTakenOver()
    {
        string tablePath = _path + "-signals";
        try
        {
            using var table = SignalTable.Create(tablePath, workers: 2, mules: 1);
            // A child python process maps the table, takes user lock 3 with glibc and dies holding it.
            string script = $$"""
                import ctypes, mmap, os
                libc = ctypes.CDLL("libc.so.6")
                f = open("{{tablePath}}", "r+b")
                m = mmap.mmap(f.fileno(), 0)
                addr = ctypes.addressof(ctypes.c_char.from_buffer(m, {{SignalTableLockOffset(3)}}))
                assert libc.pthread_mutex_lock(ctypes.c_void_p(addr)) == 0
                os._exit(0)
                """;
            using (var p = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", script]) { RedirectStandardError = true })!)
            {
                Assert.True(p.WaitForExit(30_000));
                Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
            }
            Assert.True(table.UserLock(3).Lock()); // EOWNERDEAD: recovered, now ours
            table.UserLock(3).Unlock();
            Assert.False(table.UserLock(3).Lock());
            table.UserLock(3).Unlock();
        }
        finally { File.Delete(tablePath); }
    }

    /// <summary>Byte offset of user lock n in the signal table file (header, table mutex, then the user locks).</summary>
    private static int SignalTableLockOffset(int n) => 64 + (1 + n) * Interop.Libc.MutexBytes;
}
