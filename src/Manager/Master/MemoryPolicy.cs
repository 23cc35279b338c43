// Overview
// What a worker's resident memory calls for: limit-as is a resident-memory cap here (recycled
// above it, killed above twice it; see docs/master.md), evil-reload-on-rss kills above its limit
// (uWSGI's master-side SIGKILL). A pure decision, so it is tested without processes.

using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Manager.Master;

public enum MemoryVerdict { Fine, Recycle, KillOverLimit, EvilKill }

public sealed class MemoryPolicy(ServerOptions options)
{
    public MemoryVerdict Judge(long rssBytes)
    {
        if (options.EvilReloadOnRss > 0 && rssBytes > options.EvilReloadOnRss << 20) return MemoryVerdict.EvilKill;
        long cap = options.LimitAs * 1024 * 1024;
        if (cap <= 0 || rssBytes <= cap) return MemoryVerdict.Fine;
        return rssBytes > 2 * cap ? MemoryVerdict.KillOverLimit : MemoryVerdict.Recycle;
    }
}
