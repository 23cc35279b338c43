// uWSGI has no inline comments: `processes = 4 # four` is the value "4 # four". dotnetwsgi strips
// them from typed values (numbers, paths, addresses, names) and keeps them in free text, warning
// either way.

namespace DotnetWsgi.Config.Loading;

public static class InlineComment
{
    /// <summary>Index of a `#` or `;` that starts a comment (at the start or after whitespace), or -1.</summary>
    public static int Find(string value)
    {
        for (int i = 0; i < value.Length; i++)
            if (value[i] is '#' or ';' && (i == 0 || char.IsWhiteSpace(value[i - 1])))
                return i;
        return -1;
    }

    /// <summary>The value without its inline comment, or the value itself when there is none.</summary>
    public static string Strip(string value)
    {
        int at = Find(value);
        return at < 0 ? value : value[..at].TrimEnd();
    }
}
