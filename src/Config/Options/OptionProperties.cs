// Overview
// Reads and writes ServerOptions properties by the name a catalogue row gives (OptionRow.Property),
// without reflection: one hand-written accessor per property (OptionProperties.Table.cs). The binder
// sets values through it, `--print-config` and the catalogue's defaults read through it.
//
// Why a hand-written table and not reflection or a source generator: reflection over ServerOptions
// is what the NativeAOT build must not depend on (the trimmer has to keep every property's metadata,
// and a new element type meant MakeGenericType); a Roslyn source generator would remove the table
// but add a generator project, an analyzer package and generated code nobody reads, for ~120 lines
// of plain C#. The table cannot drift: OptionPropertiesTests checks that every catalogue property
// and every settable ServerOptions property has exactly one accessor, and that each accessor reads
// and writes the property it is named after and no other. A new option adds one line here.

using System.Collections;

namespace DotnetWsgi.Config.Options;

/// <summary>One ServerOptions property: read it, return a copy with it set, and for a repeatable
/// option a new empty list of its element type (the binder accumulates into it).</summary>
internal sealed record OptionProperty(
    string Name,
    Func<ServerOptions, object?> Get,
    Func<ServerOptions, object?, ServerOptions> Set,
    Func<IList>? NewList = null);

internal static partial class OptionProperties
{
    private static readonly OptionProperty[] Table = BuildTable();
    private static readonly Dictionary<string, OptionProperty> ByName = Index(Table);

    /// <summary>Every accessor, in ServerOptions order.</summary>
    public static IReadOnlyList<OptionProperty> All => Table;

    /// <summary>The accessor for a property the catalogue names; a missing one is a programming error.</summary>
    public static OptionProperty Find(string property)
        => ByName.GetValueOrDefault(property)
           ?? throw new InvalidOperationException($"the option catalogue names ServerOptions property '{property}', which OptionProperties has no accessor for");

    private static Dictionary<string, OptionProperty> Index(OptionProperty[] table)
    {
        var byName = new Dictionary<string, OptionProperty>(table.Length, StringComparer.Ordinal);
        foreach (var property in table)
            if (!byName.TryAdd(property.Name, property))
                throw new InvalidOperationException($"OptionProperties lists ServerOptions property '{property.Name}' twice");
        return byName;
    }

    // One builder per value type, so each table row is one line and the casts live here.

    private static OptionProperty Flag(string name, Func<ServerOptions, bool> get, Func<ServerOptions, bool, ServerOptions> set)
        => new(name, o => get(o), (o, v) => set(o, (bool)v!));

    /// <summary>Whole numbers may arrive as long (Long/Megabytes kinds); an int property gets an int.</summary>
    private static OptionProperty Int(string name, Func<ServerOptions, int> get, Func<ServerOptions, int, ServerOptions> set)
        => new(name, o => get(o), (o, v) => set(o, v is long n ? (int)n : (int)v!));

    private static OptionProperty Long(string name, Func<ServerOptions, long> get, Func<ServerOptions, long, ServerOptions> set)
        => new(name, o => get(o), (o, v) => set(o, v is int n ? n : (long)v!));

    private static OptionProperty Text(string name, Func<ServerOptions, string?> get, Func<ServerOptions, string?, ServerOptions> set)
        => new(name, o => get(o), (o, v) => set(o, (string?)v));

    private static OptionProperty Of<T>(string name, Func<ServerOptions, T> get, Func<ServerOptions, T, ServerOptions> set)
        => new(name, o => get(o), (o, v) => set(o, (T)v!));

    private static OptionProperty Many<T>(string name, Func<ServerOptions, IReadOnlyList<T>> get, Func<ServerOptions, IReadOnlyList<T>, ServerOptions> set)
        => new(name, o => get(o), (o, v) => set(o, (IReadOnlyList<T>)v!), () => new List<T>());
}
