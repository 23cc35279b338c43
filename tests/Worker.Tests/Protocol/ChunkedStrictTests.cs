// The chunk grammar read strictly (RFC 9112 §7.1): whitespace after a chunk size only as BWS before
// a ';' extension, no control bytes in extensions or trailers, and an error that stays an error.

using System.Text;
using DotnetWsgi.Worker.Protocol;

namespace DotnetWsgi.Worker.Tests.Protocol;

public sealed class ChunkedStrictTests
{
    /// <summary>Decodes the whole wire in one piece; returns the data and the final step.</summary>
    private static (string Data, ChunkStep Step, string? Error) Decode(string wire)
    {
        var input = Encoding.Latin1.GetBytes(wire);
        var decoder = new ChunkedDecoder();
        var output = new StringBuilder();
        int pos = 0;
        while (true)
        {
            var step = decoder.Step(input.AsSpan(pos), out int consumed);
            pos += consumed;
            if (step != ChunkStep.Data || pos == input.Length) return (output.ToString(), step, decoder.Error);
            int take = (int)Math.Min(decoder.Remaining, input.Length - pos);
            output.Append(Encoding.Latin1.GetString(input, pos, take));
            decoder.ConsumeData(take);
            pos += take;
        }
    }

    [Theory]
    [InlineData("5 \r\nhello\r\n0\r\n\r\n", "whitespace after chunk size")]
    [InlineData("5\t\r\nhello\r\n0\r\n\r\n", "whitespace after chunk size")]
    [InlineData("5 x\r\nhello\r\n0\r\n\r\n", "whitespace after chunk size")]
    [InlineData("0 \r\n\r\n", "whitespace after chunk size")]
    [InlineData(" 5\r\nhello\r\n0\r\n\r\n", "invalid chunk size")]
    [InlineData("0x5\r\nhello\r\n0\r\n\r\n", "invalid chunk size")]
    [InlineData("5;a\nb\r\nhello\r\n0\r\n\r\n", "control character in chunk extension")]
    [InlineData("5\nhello\r\n0\r\n\r\n", "invalid chunk size")]
    [InlineData("5\r\nhello\r\n0\r\nX: 1\nY: 2\r\n\r\n", "control character in chunked trailer")]
    [InlineData("5\r\nhello\r\n0\r\n\n", "control character in chunked trailer")]
    [InlineData("ffffffffffffffff0\r\n", "chunk size too large")]
    public void MalformedChunkLines_AreErrors(string wire, string reason)
    {
        var (_, step, error) = Decode(wire);

        Assert.Equal(ChunkStep.Error, step);
        Assert.Contains(reason, error);
    }

    [Theory]
    [InlineData("5;ext\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5 ;ext=\"v\"\r\nhello\r\n0\r\n\r\n")]
    [InlineData("5\t ; a=b ; c\r\nhello\r\n0 ;last\r\n\r\n")]
    [InlineData("0005\r\nhello\r\n000\r\n\r\n")]
    [InlineData("5\r\nhello\r\n0\r\nTrailer-A: 1\r\nTrailer-B:\tx\r\n\r\n")]
    public void ValidChunkLines_FromTheRfcGrammar_Decode(string wire)
    {
        var (data, step, error) = Decode(wire);

        Assert.True(step == ChunkStep.Done, error);
        Assert.Equal("hello", data);
    }

    [Fact]
    public void AnError_IsFinal_WhateverFollows()
    {
        var decoder = new ChunkedDecoder();
        Assert.Equal(ChunkStep.Error, decoder.Step("5 \r\n"u8, out _));

        var again = decoder.Step("0\r\n\r\n"u8, out int consumed);

        Assert.Equal((ChunkStep.Error, 0), (again, consumed));
    }
}
