// A robust, process-shared, error-checking pthread mutex living in shared memory. Robust: if the
// holder dies (a worker crashes or is killed by harakiri) the next Lock() gets EOWNERDEAD, marks the
// mutex consistent and owns it, so the lock is never left held. Error-checking: locking twice from
// one thread, or unlocking a lock this thread does not hold, is an error instead of a deadlock.
// The thread that locks must unlock (Python threads are OS threads, so uwsgi.lock()/unlock() from
// one Python thread are fine).

using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Native.PythonApi;

public readonly unsafe struct SharedMutex(byte* p)
{
    private const int EBUSY = 16, EDEADLK = 35, EOWNERDEAD = 130;

    /// <summary>Initialises the mutex (creator side, once, before anyone else maps the memory).</summary>
    public void Init()
    {
        byte* attr = stackalloc byte[Libc.MutexAttrBytes];
        Check(Libc.pthread_mutexattr_init(attr), "pthread_mutexattr_init");
        Check(Libc.pthread_mutexattr_setpshared(attr, Libc.PTHREAD_PROCESS_SHARED), "pthread_mutexattr_setpshared");
        Check(Libc.pthread_mutexattr_setrobust(attr, Libc.PTHREAD_MUTEX_ROBUST), "pthread_mutexattr_setrobust");
        Check(Libc.pthread_mutexattr_settype(attr, Libc.PTHREAD_MUTEX_ERRORCHECK), "pthread_mutexattr_settype");
        Check(Libc.pthread_mutex_init(p, attr), "pthread_mutex_init");
        Libc.pthread_mutexattr_destroy(attr);
    }

    /// <summary>Blocks until held. Returns true when a dead holder's lock was taken over.</summary>
    public bool Lock()
    {
        int rc = Libc.pthread_mutex_lock(p);
        if (rc == EOWNERDEAD)
        {
            Libc.pthread_mutex_consistent(p);
            return true;
        }
        if (rc == EDEADLK) throw new InvalidOperationException("this thread already holds the lock");
        Check(rc, "pthread_mutex_lock");
        return false;
    }

    /// <summary>Takes the lock if free; false when another thread holds it.</summary>
    public bool TryLock()
    {
        int rc = Libc.pthread_mutex_trylock(p);
        if (rc == EBUSY) return false;
        if (rc == EOWNERDEAD)
        {
            Libc.pthread_mutex_consistent(p);
            return true;
        }
        if (rc == EDEADLK) throw new InvalidOperationException("this thread already holds the lock");
        Check(rc, "pthread_mutex_trylock");
        return true;
    }

    public void Unlock()
    {
        int rc = Libc.pthread_mutex_unlock(p);
        if (rc == Errno.EPERM) throw new InvalidOperationException("this thread does not hold the lock");
        Check(rc, "pthread_mutex_unlock");
    }

    /// <summary>Lock() as a using scope.</summary>
    public Scope Hold()
    {
        Lock();
        return new Scope(this);
    }

    public readonly struct Scope(SharedMutex mutex) : IDisposable
    {
        public void Dispose() => mutex.Unlock();
    }

    private static void Check(int rc, string call)
    {
        if (rc != 0) throw new NativeException(call, rc);
    }
}
