// "Did you mean": the catalogue names closest to a typo, by edit distance, plus any name the typo
// is a prefix of (uWSGI's getopt accepts prefixes; dotnetwsgi does not, so it points at the full name).

namespace DotnetWsgi.Config.Options;

public static class Suggestions
{
    /// <summary>Up to three names, closest first.</summary>
    public static IReadOnlyList<string> Closest(string name)
    {
        int limit = Math.Max(2, name.Length / 3);
        string lowered = name.ToLowerInvariant().Replace('_', '-');
        if (OptionCatalogue.Find(lowered) is not null)
            return [lowered]; // only case or `_` was wrong: that is the answer
        return OptionCatalogue.AllNames
            .Select(n => (Name: n, Distance: n.StartsWith(lowered, StringComparison.Ordinal) && lowered.Length >= 3 ? 1 : Distance(lowered, n)))
            .Where(c => c.Distance <= limit)
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(3)
            .Select(c => c.Name)
            .ToList();
    }

    /// <summary>` (did you mean 'a' or 'b'?)`, or empty when nothing is close.</summary>
    public static string DidYouMean(string name, string prefix = "")
    {
        var names = Closest(name);
        if (names.Count == 0)
            return "";
        return " (did you mean " + string.Join(" or ", names.Select(n => $"'{prefix}{n}'")) + "?)";
    }

    /// <summary>Levenshtein distance.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
