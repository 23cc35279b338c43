namespace DotnetWsgi.Manager.Tests.Integration;

/// <summary>A theory that needs the published dotnetwsgi, skipped as BinaryFact is.</summary>
public sealed class BinaryTheoryAttribute : TheoryAttribute
{
    public BinaryTheoryAttribute() => Skip = BinaryFactAttribute.SkipReason;
}
