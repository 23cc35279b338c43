namespace DotnetWsgi.Config.Options;

public static partial class OptionCatalogue
{
    private static OptionRow[] SocketRows => InGroup("Sockets",
        Opt("socket", OptionKind.Socket, "Sockets", "bind a uwsgi-protocol socket (host:port or unix path)", ["uwsgi-socket"], 's', list: true) with { Protocol = SocketProtocol.Uwsgi },
        Opt("http-socket", OptionKind.Socket, "Sockets", "bind an HTTP/1.1 socket served by the workers", list: true) with { Protocol = SocketProtocol.Http },
        Opt("http11-socket", OptionKind.Socket, "Sockets", "bind an HTTP/1.1 keep-alive socket (same as http-socket here)", list: true) with { Protocol = SocketProtocol.Http },
        Opt("http", OptionKind.Socket, "Sockets", "bind an HTTP/1.1 socket; served by the workers, no router process", list: true) with { Protocol = SocketProtocol.Http },
        Opt("listen", OptionKind.Int, "Listen", "listen backlog of every socket", shortFlag: 'l') with { UwsgiDefault = "100" },
        Opt("chmod-socket", OptionKind.OctalMode, "ChmodSocket", "mode of unix sockets (empty = 666, else three octal digits)", shortFlag: 'C'),
        Opt("chown-socket", OptionKind.Name, "ChownSocket", "user[:group] of unix sockets"),
        Opt("underscores-in-headers", OptionKind.Flag, "UnderscoresInHeaders", "dotnetwsgi: keep http-socket header names with '_' (default: drop them, as nginx)"),
        Opt("vacuum", OptionKind.Flag, "Vacuum", "remove the pidfiles, unix sockets and fifos created, on exit"),
        Rejected("shared-socket", OptionKind.Socket, "bind a socket before dropping privileges", "shared sockets (and `=N` references) are not supported; bind the address directly"),
        Rejected("abstract-socket", OptionKind.Flag, "force the abstract unix namespace", "abstract unix sockets are not supported"),
        Rejected("protocol", OptionKind.Name, "default protocol of `socket`", "`socket` always speaks uwsgi; use http-socket for HTTP"),
        Rejected("https", OptionKind.Text, "HTTPS router", "TLS is not served; terminate TLS in nginx"),
        Rejected("https-socket", OptionKind.Text, "HTTPS socket", "TLS is not served; terminate TLS in nginx"),
        Rejected("fastcgi-socket", OptionKind.Socket, "FastCGI socket", "FastCGI is not spoken; use socket (uwsgi) or http-socket"),
        Opt("reuse-port", OptionKind.Flag, "ReusePort", "SO_REUSEPORT on TCP sockets: another process may bind the same address, and the kernel splits its connections between them"),
        Ignored("so-keepalive", OptionKind.Flag, "SO_KEEPALIVE on sockets", "not implemented"),
        Ignored("tcp-nodelay", OptionKind.Flag, "TCP_NODELAY on sockets", "not implemented"),
        Ignored("http-keepalive", OptionKind.Flag, "keep-alive on the http router", "HTTP sockets always speak HTTP/1.1 with keep-alive"),
        Ignored("http-timeout", OptionKind.Seconds, "http router timeout", "there is no router process; see socket-timeout"),
        Ignored("add-header", OptionKind.Text, "add a response header", "not implemented", list: true));
}
