using System.Collections;
using System.Reflection;
using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Config.Tests.Options;

/// <summary>The hand-written setter table (OptionProperties) cannot drift from ServerOptions or the
/// catalogue: the tests compare it with ServerOptions by reflection (fine here: tests run on the JIT).</summary>
public sealed class OptionPropertiesTests
{
    /// <summary>Set by the binder itself, not through an option.</summary>
    private static readonly string[] NotOptions = [nameof(ServerOptions.ConfigFile), nameof(ServerOptions.CustomOptions)];

    private static readonly PropertyInfo[] Settable = typeof(ServerOptions).GetProperties().Where(p => p.CanWrite).ToArray();

    public static TheoryData<string> AccessorNames => [.. OptionProperties.All.Select(p => p.Name)];

    [Fact]
    public void EveryCatalogueProperty_HasExactlyOneAccessor()
    {
        var properties = OptionCatalogue.Rows.Where(r => r.Status == OptionStatus.Implemented && r.Property is not null).Select(r => r.Property!).Distinct();
        var wrong = properties.Where(p => OptionProperties.All.Count(a => a.Name == p) != 1);
        Assert.Empty(wrong);
    }

    [Fact]
    public void EverySettableServerOptionsProperty_HasExactlyOneAccessor()
    {
        var expected = Settable.Select(p => p.Name).Except(NotOptions).Order();
        Assert.Equal(expected, OptionProperties.All.Select(a => a.Name).Order());
    }

    [Fact]
    public void RepeatableRows_BindListAccessors_AndScalarsDoNot()
    {
        var rows = OptionCatalogue.Rows.Where(r => r.Status == OptionStatus.Implemented && r.Property is not null);
        var wrong = rows.Where(r => (OptionProperties.Find(r.Property!).NewList is not null) != r.Repeatable).Select(r => r.Name);
        Assert.Empty(wrong);
    }

    /// <summary>Each accessor reads and writes the property it is named after, and no other
    /// (a copy-pasted line with the wrong property fails here).</summary>
    [Theory]
    [MemberData(nameof(AccessorNames))]
    public void Accessor_WritesAndReadsOnlyItsOwnProperty(string name)
    {
        var accessor = OptionProperties.Find(name);
        var defaults = new ServerOptions();
        var target = Settable.Single(p => p.Name == name);
        object sample = Sample(accessor, target.PropertyType, target.GetValue(defaults));

        var changed = accessor.Set(defaults, sample);

        Assert.Equal(sample, target.GetValue(changed));
        Assert.Equal(sample, accessor.Get(changed));
        var others = Settable.Where(p => p != target && !Equals(p.GetValue(defaults), p.GetValue(changed))).Select(p => p.Name);
        Assert.Empty(others);
    }

    [Fact]
    public void FindUnknownProperty_NamesIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OptionProperties.Find("NoSuchProperty"));
        Assert.Contains("'NoSuchProperty'", error.Message);
    }

    [Fact]
    public void IntAccessor_TakesAWholeNumberParsedAsLong_LongAccessorTakesAnInt()
    {
        var options = OptionProperties.Find(nameof(ServerOptions.Listen)).Set(new ServerOptions(), 7L);
        options = OptionProperties.Find(nameof(ServerOptions.MaxRequests)).Set(options, 9);
        Assert.Equal((7, 9L), (options.Listen, options.MaxRequests));
    }

    /// <summary>A value of the property's type that differs from its default.</summary>
    private static object Sample(OptionProperty accessor, Type type, object? current)
    {
        if (accessor.NewList is { } newList)
        {
            var list = newList();
            list.Add(Element(type.GetGenericArguments()[0]));
            return list;
        }
        if (type == typeof(bool)) return !(bool)current!;
        if (type == typeof(int) || type == typeof(int?)) return (int?)current == 4242 ? 4243 : 4242;
        if (type == typeof(long)) return (long?)current == 1L << 40 ? (1L << 40) + 1 : 1L << 40;
        if (type == typeof(string)) return "sample-" + accessor.Name;
        throw new InvalidOperationException($"no sample value for {type.Name} ({accessor.Name}): add one here");
    }

    private static object Element(Type type)
    {
        if (type == typeof(string)) return "x";
        if (type == typeof(SocketSpec)) return new SocketSpec("socket", ":9000", SocketProtocol.Uwsgi, SocketFamily.Tcp, "", 9000, null);
        if (type == typeof(MountSpec)) return new MountSpec("/a", "app:application");
        if (type == typeof(EnvSetting)) return new EnvSetting("K", "V");
        if (type == typeof(StaticMap)) return new StaticMap("/s", "/srv");
        throw new InvalidOperationException($"no sample element for {type.Name}: add one here");
    }
}
