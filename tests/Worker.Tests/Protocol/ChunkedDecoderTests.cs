using System.Text;
using DotnetWsgi.Worker.Protocol;

namespace DotnetWsgi.Worker.Tests.Protocol;

public sealed class ChunkedDecoderTests
{
    /// <summary>Feeds input in pieces of the given sizes; returns the decoded data and the final step.</summary>
    private static (string Data, ChunkStep Step, string? Error) Decode(string wire, Func<int, int> pieceSize)
    {
        var input = Encoding.Latin1.GetBytes(wire);
        var decoder = new ChunkedDecoder();
        var output = new StringBuilder();
        int fed = 0, pos = 0;
        var step = ChunkStep.NeedMore;
        while (true)
        {
            var available = input.AsSpan(pos, fed - pos);
            step = decoder.Step(available, out int consumed);
            pos += consumed;
            if (step == ChunkStep.Data && fed > pos)
            {
                int take = (int)Math.Min(decoder.Remaining, fed - pos);
                output.Append(Encoding.Latin1.GetString(input, pos, take));
                decoder.ConsumeData(take);
                pos += take;
                continue;
            }
            if (step is ChunkStep.Done or ChunkStep.Error) break;
            if (fed == input.Length) break;
            fed = (int)Math.Min(input.Length, (long)fed + Math.Max(1, pieceSize(fed)));
        }
        return (output.ToString(), step, decoder.Error);
    }

    private const string Wire = "5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n";

    [Fact]
    public void Decode_JoinsChunks_AndSkipsExtensionsAndTrailers()
    {
        var (data, step, _) = Decode(Wire, _ => int.MaxValue);

        Assert.Equal((ChunkStep.Done, "hello 0123456789"), (step, data));
    }

    [Fact]
    public void Decode_GivesTheSameResult_ForEverySplitPoint()
    {
        for (int split = 1; split < Wire.Length; split++)
        {
            int s = split;
            var (data, step, error) = Decode(Wire, fed => fed == 0 ? s : int.MaxValue);
            Assert.True(step == ChunkStep.Done && data == "hello 0123456789", $"split {s}: {step} {error} \"{data}\"");
        }
    }

    [Fact]
    public void Decode_NeedsMore_ForEveryTruncatedPrefix()
    {
        for (int n = 0; n < Wire.Length; n++)
        {
            var (_, step, error) = Decode(Wire[..n], _ => 1);
            Assert.True(step is ChunkStep.NeedMore or ChunkStep.Data, $"prefix {n}: {step} {error}");
        }
    }

    [Theory]
    [InlineData("x\r\n", "invalid chunk size")]
    [InlineData("\r\n", "invalid chunk size")]
    [InlineData("5\rX", "missing LF after chunk size")]
    [InlineData("2\r\nabX\r\n", "missing CRLF after chunk data")]
    [InlineData("2\r\nab\rX", "missing CRLF after chunk data")]
    [InlineData("1234567890abcdef0\r\n", "chunk size too large")]
    [InlineData("0\r\n\rX", "missing final CRLF")]
    public void Decode_ReportsMalformedFraming(string wire, string reason)
    {
        var (_, step, error) = Decode(wire, _ => int.MaxValue);

        Assert.Equal(ChunkStep.Error, step);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void ConsumeData_Throws_WhenMoreThanTheChunkIsTaken()
    {
        var decoder = new ChunkedDecoder();
        decoder.Step("2\r\n"u8, out _);

        Assert.Throws<InvalidOperationException>(() => decoder.ConsumeData(3));
    }
}
