// Builds uwsgi request packets the way nginx's uwsgi_pass does (see UwsgiPacketParser for the format).
// Used by the parser and serving tests, and tested itself against a hand-assembled packet.

using System.Buffers.Binary;
using System.Text;

namespace DotnetWsgi.Worker.Tests.Protocol;

public sealed class UwsgiPacketBuilder
{
    private readonly MemoryStream _vars = new();
    private byte[] _body = [];

    public byte Modifier1 { get; set; }

    public UwsgiPacketBuilder Var(string key, string value) => Var(Encoding.Latin1.GetBytes(key), Encoding.Latin1.GetBytes(value));

    public UwsgiPacketBuilder Var(byte[] key, byte[] value)
    {
        WriteString(key);
        WriteString(value);
        return this;
    }

    public UwsgiPacketBuilder Body(string body)
    {
        _body = Encoding.Latin1.GetBytes(body);
        return this;
    }

    public byte[] Build()
    {
        var vars = _vars.ToArray();
        var packet = new byte[4 + vars.Length + _body.Length];
        packet[0] = Modifier1;
        BinaryPrimitives.WriteUInt16LittleEndian(packet.AsSpan(1), checked((ushort)vars.Length));
        vars.CopyTo(packet, 4);
        _body.CopyTo(packet, 4 + vars.Length);
        return packet;
    }

    private void WriteString(byte[] s)
    {
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, checked((ushort)s.Length));
        _vars.Write(len);
        _vars.Write(s);
    }
}
