// The framing half of Response: choosing Content-Length / chunked / close-delimited when the head is
// committed, and gathering head, held chunk, chunk markers and the app's data into one sendmsg.

using System.Buffers.Text;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Worker.Serving;

public sealed unsafe partial class Response
{
    private static readonly byte[] Crlf = GC.AllocateArray<byte>(2, pinned: true);

    static Response() => "\r\n"u8.CopyTo(Crlf);

    /// <summary>The app wrote more than the Content-Length it declared (the excess was not sent).</summary>
    public bool Truncated { get; private set; }

    /// <summary>Chooses the framing; knownLength is the whole body's length when it is known.</summary>
    private void CommitHead(long? knownLength)
    {
        if (_uwsgi)
        {
            _framing = Framing.CloseDelimited;
            _head.Finish();
            return;
        }
        int code = _head.StatusCode;
        if (code < 200 || code == 204 || code == 304) _framing = Framing.NoBody;
        else if (_head.AppSentTransferEncoding) { _framing = Framing.CloseDelimited; _mustClose = true; }
        else if (_head.DeclaredLength >= 0) { _framing = Framing.Length; _lengthLeft = _head.DeclaredLength; }
        else if (knownLength is { } length)
        {
            _framing = Framing.Length;
            _lengthLeft = length;
            _head.AddServerHeader("Content-Length"u8, length);
        }
        else if (_http11) { _framing = Framing.Chunked; _head.AddServerHeader("Transfer-Encoding"u8, "chunked"u8); }
        else { _framing = Framing.CloseDelimited; _mustClose = true; }

        if (_head.AppSentConnectionClose) _mustClose = true;
        bool close = !_keepAlive || _mustClose || _lifetime.StopRequested;
        if (close) _mustClose = true;
        if (close && !_head.AppSentConnectionClose) _head.AddServerHeader("Connection"u8, "close"u8);
        else if (!close && !_http11) _head.AddServerHeader("Connection"u8, "keep-alive"u8);
        _head.Finish();
    }

    /// <summary>Sends [head][held chunk][data] framed, in one gather write.</summary>
    private void Send(bool includeHead, ReadOnlySpan<byte> data)
    {
        var iov = stackalloc Libc.IoVec[7];
        int n = 0;
        fixed (byte* head = _head.PinnedBuffer)
        fixed (byte* hold = _hold)
        fixed (byte* dataPtr = data)
        {
            if (includeHead) iov[n++] = new Libc.IoVec { Base = head, Length = (nuint)_head.Length };
            if (includeHead && _holding) AddBody(iov, ref n, hold, _holdLength, frameSlot: 0);
            AddBody(iov, ref n, dataPtr, data.Length, frameSlot: 1);
            try
            {
                if (n > 0)
                {
                    GatherWrites++;
                    _conn.SendAll(iov, n, Context?.Blocking);
                }
            }
            catch (IOException)
            {
                Broken = true;
                throw;
            }
        }
        if (includeHead)
        {
            _headSent = true;
            HeadBytes = _head.Length;
            HeaderCount = _head.HeaderCount;
            _holding = false;
        }
    }

    private void AddBody(Libc.IoVec* iov, ref int n, byte* data, int length, int frameSlot)
    {
        if (length == 0 || _isHead || _framing == Framing.NoBody) return;
        if (_framing == Framing.Length)
        {
            if (length > _lengthLeft)
            {
                length = (int)_lengthLeft;
                Truncated = _mustClose = true;
            }
            _lengthLeft -= length;
            if (length == 0) return;
        }
        if (_framing == Framing.Chunked)
        {
            var prefix = _frames.AsSpan(frameSlot * 32, 32);
            Utf8Formatter.TryFormat(length, prefix, out int w, new System.Buffers.StandardFormat('x'));
            prefix[w++] = (byte)'\r';
            prefix[w++] = (byte)'\n';
            fixed (byte* p = prefix) iov[n++] = new Libc.IoVec { Base = p, Length = (nuint)w };
        }
        iov[n++] = new Libc.IoVec { Base = data, Length = (nuint)length };
        if (_framing == Framing.Chunked)
            fixed (byte* crlf = Crlf) iov[n++] = new Libc.IoVec { Base = crlf, Length = 2 };
        BodyBytes += length;
    }

    private void SendRaw(ReadOnlySpan<byte> bytes)
    {
        try { _conn.SendAll(bytes); }
        catch (IOException)
        {
            Broken = true;
            throw;
        }
    }
}
