// Formats a raw sockaddr (as filled in by accept4/getsockname) as the ASCII text CGI vars carry,
// without allocating for IPv4: REMOTE_ADDR shows a v4-mapped IPv6 peer as plain IPv4, and a unix
// socket peer as "0.0.0.0" (what uWSGI's http-socket reports).

using System.Buffers.Binary;
using System.Buffers.Text;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Worker.Serving;

public static class SocketAddressText
{
    public static int Family(ReadOnlySpan<byte> sa) => sa.Length < 2 ? 0 : BinaryPrimitives.ReadUInt16LittleEndian(sa);

    /// <summary>Writes the address text into dst; returns its length.</summary>
    public static int FormatAddress(ReadOnlySpan<byte> sa, Span<byte> dst)
    {
        switch (Family(sa))
        {
            case Libc.AF_INET when sa.Length >= 8:
                return FormatIPv4(sa.Slice(4, 4), dst);
            case Libc.AF_INET6 when sa.Length >= 24:
                var a = sa.Slice(8, 16);
                if (a[..10].IndexOfAnyExcept((byte)0) < 0 && a[10] == 0xff && a[11] == 0xff) return FormatIPv4(a[12..], dst);
                var text = new System.Net.IPAddress(a).ToString();
                return System.Text.Encoding.ASCII.GetBytes(text, dst);
            default:
                "0.0.0.0"u8.CopyTo(dst);
                return 7;
        }
    }

    /// <summary>Writes the port as decimal text; 0 length for unix sockets.</summary>
    public static int FormatPort(ReadOnlySpan<byte> sa, Span<byte> dst)
    {
        int family = Family(sa);
        if ((family != Libc.AF_INET && family != Libc.AF_INET6) || sa.Length < 4) return 0;
        Utf8Formatter.TryFormat(BinaryPrimitives.ReadUInt16BigEndian(sa[2..]), dst, out int written);
        return written;
    }

    private static int FormatIPv4(ReadOnlySpan<byte> a, Span<byte> dst)
    {
        int w = 0;
        for (int i = 0; i < 4; i++)
        {
            if (i > 0) dst[w++] = (byte)'.';
            Utf8Formatter.TryFormat(a[i], dst[w..], out int n);
            w += n;
        }
        return w;
    }
}
