// dotnetwsgi-fuzz: feeds the HTTP head parser (and the chunked body framing), the uwsgi packet parser
// and the ini reader with generated and mutated inputs from a fixed seed and checks their invariants.
//
//   dotnetwsgi-fuzz [N] [SEED]                      N inputs per target (default 1000000), seed (default 1)
//   dotnetwsgi-fuzz --target http --seed S --index I   re-run one input (as printed by a violation)
//   dotnetwsgi-fuzz --target uwsgi --replay HEX        check one input given in hex
// Exit status: 0 when no invariant was violated, 1 when one was, 2 for bad arguments.

using DotnetWsgi.Fuzz;

long n = 1_000_000, index = -1;
int seed = 1;
string? only = null, replay = null;
var positional = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--target" when i + 1 < args.Length: only = args[++i]; break;
        case "--seed" when i + 1 < args.Length: seed = int.Parse(args[++i]); break;
        case "--index" when i + 1 < args.Length: index = long.Parse(args[++i]); break;
        case "--replay" when i + 1 < args.Length: replay = args[++i]; break;
        case "-h" or "--help":
            Console.WriteLine("usage: dotnetwsgi-fuzz [N] [SEED] [--target http|chunked|uwsgi|ini] [--index I] [--replay HEX]");
            return 0;
        default: positional.Add(args[i]); break;
    }
}
if (positional.Count > 0 && !long.TryParse(positional[0], out n) || positional.Count > 1 && !int.TryParse(positional[1], out seed) || n < 1)
{
    Console.Error.WriteLine($"dotnetwsgi-fuzz: expected [N] [SEED] as numbers (N >= 1), got '{string.Join(' ', positional)}'");
    return 2;
}
var targets = Runner.AllTargets().Where(t => only is null || t.Name == only).ToArray();
if (targets.Length == 0)
{
    Console.Error.WriteLine($"dotnetwsgi-fuzz: unknown target '{only}' (http, chunked, uwsgi, ini)");
    return 2;
}
if (replay is not null)
{
    var what = Runner.CheckOne(targets[0], Convert.FromHexString(replay));
    Console.WriteLine(what is null ? $"{targets[0].Name}: no violation" : $"VIOLATION in {targets[0].Name}: {what}");
    return what is null ? 0 : 1;
}
long first = index >= 0 ? index : 0, count = index >= 0 ? 1 : n;
Console.WriteLine($"dotnetwsgi-fuzz: seed {seed}, {count} input(s) per target from index {first}");
var clock = System.Diagnostics.Stopwatch.StartNew();
var reports = Runner.Run(targets, seed, first, count, Console.Out);
int violations = reports.Sum(r => r.Violations.Count);
Console.WriteLine($"total: {reports.Sum(r => r.Inputs)} inputs, {violations} violation(s), {clock.Elapsed.TotalSeconds:F1} s");
return violations == 0 ? 0 : 1;
