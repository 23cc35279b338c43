// Process-shared robust mutexes (pthread_mutex_* in glibc's libc.so.6): the locks of the shared
// cache, the signal table and uwsgi.lock(). Robust: when the holder dies, the next locker gets
// EOWNERDEAD and takes the lock over (SharedMutex marks it consistent), so a crashed worker cannot
// leave a lock held.

using System.Runtime.InteropServices;

namespace DotnetWsgi.Native.Interop;

public static unsafe partial class Libc
{
    public const int PTHREAD_MUTEX_ERRORCHECK = 2, PTHREAD_PROCESS_SHARED = 1, PTHREAD_MUTEX_ROBUST = 1;
    /// <summary>Sizes on x86-64/aarch64 glibc (pthread_mutex_t is 40 bytes, 48 on aarch64): rounded up.</summary>
    public const int MutexBytes = 64, MutexAttrBytes = 16;

    [DllImport(LibC)] public static extern int pthread_mutexattr_init(byte* attr);
    [DllImport(LibC)] public static extern int pthread_mutexattr_destroy(byte* attr);
    [DllImport(LibC)] public static extern int pthread_mutexattr_setpshared(byte* attr, int shared);
    [DllImport(LibC)] public static extern int pthread_mutexattr_setrobust(byte* attr, int robust);
    [DllImport(LibC)] public static extern int pthread_mutexattr_settype(byte* attr, int type);
    [DllImport(LibC)] public static extern int pthread_mutex_init(byte* mutex, byte* attr);
    [DllImport(LibC)] public static extern int pthread_mutex_lock(byte* mutex);
    [DllImport(LibC)] public static extern int pthread_mutex_trylock(byte* mutex);
    [DllImport(LibC)] public static extern int pthread_mutex_unlock(byte* mutex);
    [DllImport(LibC)] public static extern int pthread_mutex_consistent(byte* mutex);
}
