using System.Text;
using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Config.Tests.Docs;

/// <summary>
/// docs/options.md (the compatibility table of every option) is rendered from the catalogue, so the
/// documentation cannot drift from the code. After changing the catalogue, regenerate it with
/// `UPDATE_DOCS=1 dotnet test tests/Config.Tests --filter OptionsTable`.
/// </summary>
public sealed class OptionsTableTests
{
    private static string DocsPath() => Path.Combine(Repo.Root, "docs", "options.md");

    internal static string Render()
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Option compatibility table");
        sb.AppendLine();
        sb.AppendLine("Generated from the option catalogue (`src/Config/Options/OptionCatalogue.*.cs`); a test keeps it");
        sb.AppendLine("in step. Status: **implemented** (honoured), **built in** (accepted; dotnetwsgi always behaves");
        sb.AppendLine("that way), **ignored** (accepted with one warning, no effect), **rejected** (an error: running");
        sb.AppendLine("without it would silently change what the app relies on). Defaults are dotnetwsgi's, with");
        sb.AppendLine("uWSGI 2.0.21's in brackets where they differ.");
        foreach (var group in OptionCatalogue.Rows.GroupBy(r => r.Group))
        {
            sb.AppendLine();
            sb.AppendLine($"## {group.Key}");
            sb.AppendLine();
            sb.AppendLine("| option | aliases | status | default | what it does |");
            sb.AppendLine("|---|---|---|---|---|");
            foreach (var r in group.OrderBy(r => r.Name, StringComparer.Ordinal))
            {
                var aliases = (r.Aliases ?? []).Select(a => $"`{a}`").ToList();
                if (r.Short is char c) aliases.Add($"`-{c}`");
                string status = r.Status switch
                {
                    OptionStatus.Implemented => "implemented",
                    OptionStatus.Builtin => "built in",
                    OptionStatus.Ignored => "ignored",
                    _ => "rejected",
                };
                string def = r.Default is { } d ? $"`{d}`" : "";
                if (r.UwsgiDefault is { } u) def += $" [uWSGI: `{u}`]";
                string what = r.Help + (r.Repeatable ? " (repeatable)" : "") + (r.Note is { } n && r.Status != OptionStatus.Implemented ? $" — {n}" : "");
                sb.AppendLine($"| `{r.Name}` | {string.Join(" ", aliases)} | {status} | {def} | {what.Replace("|", "\\|")} |");
            }
        }
        return sb.ToString();
    }

    [Fact]
    public void DocsOptionsTable_IsTheCatalogueRendered()
    {
        string expected = Render();
        string path = DocsPath();
        if (Environment.GetEnvironmentVariable("UPDATE_DOCS") == "1")
            File.WriteAllText(path, expected);
        Assert.True(File.Exists(path), $"{path} is missing: run with UPDATE_DOCS=1");
        Assert.Equal(expected, File.ReadAllText(path));
    }

    [Fact]
    public void Render_ListsEveryCatalogueRowOnce()
    {
        string table = Render();
        foreach (var row in OptionCatalogue.Rows)
            Assert.Contains($"| `{row.Name}` |", table);
        Assert.Equal(OptionCatalogue.Rows.Count, table.Split('\n').Count(l => l.StartsWith("| `", StringComparison.Ordinal)));
    }
}
