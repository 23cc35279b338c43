using System.Text.RegularExpressions;
using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Config.Tests.Options;

public sealed class OptionCatalogueTests
{
    [Fact]
    public void Rows_NamesAndAliasesAreUnique()
    {
        var names = OptionCatalogue.Rows.SelectMany(r => r.AllNames).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void ImplementedRows_BindAnExistingProperty_OfAMatchingType()
    {
        foreach (var row in OptionCatalogue.Rows.Where(r => r.Status == OptionStatus.Implemented && r.Kind != OptionKind.Directive))
        {
            var property = typeof(ServerOptions).GetProperty(row.Property!);
            Assert.True(property is not null, $"{row.Name} -> {row.Property}");
            bool isList = property!.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>);
            Assert.True(isList == row.Repeatable, $"{row.Name}: repeatable must match a list property");
        }
    }

    [Fact]
    public void EveryServerOptionsProperty_HasAnOption()
    {
        var bound = OptionCatalogue.Rows.Select(r => r.Property).ToHashSet();
        var missing = typeof(ServerOptions).GetProperties().Select(p => p.Name).Where(n => n != nameof(ServerOptions.ConfigFile) && n != nameof(ServerOptions.CustomOptions) && !bound.Contains(n));
        Assert.Empty(missing);
    }

    [Fact]
    public void ShortFlags_AreTheUwsgiOnes()
    {
        var expected = new Dictionary<char, string>
        {
            ['s'] = "socket", ['p'] = "processes", ['M'] = "master", ['t'] = "harakiri", ['R'] = "max-requests", ['L'] = "disable-logging",
            ['d'] = "daemonize", ['l'] = "listen", ['b'] = "buffer-size", ['C'] = "chmod-socket", ['T'] = "enable-threads", ['w'] = "module",
            ['H'] = "home", ['z'] = "socket-timeout", ['i'] = "single-interpreter", ['S'] = "set", ['m'] = "memory-report",
        };
        foreach (var (flag, name) in expected)
            Assert.Equal(name, OptionCatalogue.FindShort(flag)?.Name);
    }

    [Fact]
    public void SeedConfigs_EveryKeyIsKnown() // Golden/seed*.ini are the tutorials' configs
    {
        var keys = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Golden"), "seed*.ini").SelectMany(File.ReadLines)
            .Select(l => Regex.Match(l, @"^\s*([a-z][a-z0-9-]*)\s*=")).Where(m => m.Success).Select(m => m.Groups[1].Value);
        Assert.All(keys, k => Assert.NotNull(OptionCatalogue.Find(k)));
    }
}
