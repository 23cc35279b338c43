// Overview
// uWSGI's `%x` magic variables, substituted in a config file's raw text before it
// is parsed. Lowercase letters describe the file being read, uppercase the top-level file (so an
// included file can still say "next to the main config"). `%(` is left for the `%(option)` pass,
// `%%` is a literal `%`, and any other `%<char>` vanishes (both characters), exactly as uWSGI.

using System.Text;

namespace DotnetWsgi.Config.Ini;

/// <summary>A config file as magic variables see it.</summary>
/// <param name="AsGiven">The path as written on the command line or in `ini =` (`%o`).</param>
/// <param name="FullPath">The resolved absolute path (`%p`).</param>
/// <param name="Section">The section given as `file:section`, else empty (`%x`).</param>
public sealed record ConfigFileName(string AsGiven, string FullPath, string Section);

public static class MagicVariables
{
    /// <summary>Letters uWSGI documents but dotnetwsgi cannot provide; they expand to empty with a warning.</summary>
    public static readonly string Unsupported = "iIjJ";

    public static string Apply(string text, ConfigFileName file, ConfigFileName top, MachineFacts machine, ICollection<char>? unsupportedSeen = null)
    {
        if (!text.Contains('%'))
            return text;
        var output = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c != '%' || i + 1 == text.Length)
            {
                output.Append(c);
                continue;
            }
            char letter = text[++i];
            if (letter == '(')
                output.Append("%(");
            else
            {
                if (Unsupported.Contains(letter))
                    unsupportedSeen?.Add(letter);
                output.Append(Value(letter, file, top, machine));
            }
        }
        return output.ToString();
    }

    private static string Value(char letter, ConfigFileName file, ConfigFileName top, MachineFacts machine)
    {
        if (letter is >= '0' and <= '9')
            return DirectoryComponent(file.FullPath, letter - '0');
        if (char.IsUpper(letter) && "DNPSCEXO".Contains(letter))
            return FileValue(char.ToLowerInvariant(letter), top);
        return letter switch
        {
            '%' => "%",
            '[' => "\u001b",
            'h' => machine.Hostname,
            'k' => machine.CpuCount.ToString(),
            'u' => machine.Uid,
            'U' => machine.UserName,
            'g' => machine.Gid,
            'G' => machine.GroupName,
            'v' => machine.WorkingDirectory,
            'V' => machine.Version,
            'b' => machine.BinaryPath,
            't' => machine.StartTime.ToUnixTimeSeconds().ToString(),
            'T' => (machine.StartTime.ToUnixTimeMilliseconds() * 1000).ToString(),
            _ => FileValue(letter, file),
        };
    }

    private static string FileValue(char letter, ConfigFileName file)
    {
        string dir = Path.GetDirectoryName(file.FullPath) ?? "/";
        string name = Path.GetFileName(file.FullPath);
        return letter switch
        {
            'p' => file.FullPath,
            'd' => dir.EndsWith('/') ? dir : dir + "/",
            's' => name,
            'n' => Path.GetFileNameWithoutExtension(name),
            'e' => Path.GetExtension(name).TrimStart('.'),
            'c' => Path.GetFileName(dir),
            'x' => file.Section,
            'o' => file.AsGiven,
            _ => "",
        };
    }

    private static string DirectoryComponent(string fullPath, int index)
    {
        string[] parts = (Path.GetDirectoryName(fullPath) ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        return index < parts.Length ? parts[index] : "";
    }
}
