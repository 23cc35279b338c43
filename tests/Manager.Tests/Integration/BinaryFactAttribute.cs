// A fact that needs the published dotnetwsgi (DOTNETWSGI_BIN, else <repo>/artifacts/bin/dotnetwsgi)
// with a real worker. It skips, saying why, when the binary is missing or its worker entry point is
// still the placeholder (probed once: the binary run as a worker without a contract environment
// must fail with a boot error, not "not built yet").

using System.Diagnostics;
using DotnetWsgi.Manager.Tests.Support;

namespace DotnetWsgi.Manager.Tests.Integration;

public sealed class BinaryFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(Probe);

    public BinaryFactAttribute()
    {
        if (!File.Exists(PythonFactAttribute.Python)) Skip = $"{PythonFactAttribute.Python} is not installed";
        else if (Missing.Value is string why) Skip = why;
    }


    private static string? Probe()
    {
        if (!File.Exists(Repo.Binary)) return $"{Repo.Binary} does not exist: run ./build.sh to publish it";
        var info = new ProcessStartInfo(Repo.Binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.Environment["DOTNETWSGI_WORKER_ID"] = "1";
        using var p = Process.Start(info)!;
        var output = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(30_000)) { p.Kill(); return $"{Repo.Binary} as a worker did not exit on a missing environment"; }
        string text = output.Result + stdout.Result;
        return text.Contains("not built yet") || text.Contains("NotImplementedException")
            ? $"{Repo.Binary} has no worker yet (the serving layer has not landed in this build)"
            : null;
    }
}
