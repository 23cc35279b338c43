// `--print-config` of an incomplete configuration: the effective options first, then the errors, exit 1.

using DotnetWsgi.Manager.Tests.Integration;

namespace DotnetWsgi.Manager.Tests.Faults;

public class PrintConfigTests
{
    [BinaryTheory]
    [InlineData("wsgi-file = app.py", "no socket configured")]
    [InlineData("http-socket = 127.0.0.1:9", "no app configured")]
    public void PrintConfig_OfAnIncompleteConfig_PrintsTheOptionsFirst_ThenTheError_ExitOne(string line, string error)
    {
        string dir = Repo.TempDir("dnw-print");
        try
        {
            File.WriteAllText(Path.Combine(dir, "app.ini"), $"[uwsgi]\n{line}\nprocesses = 3\nthreads = 2\n");
            // One pipe for both streams (2>&1), so the order the user sees is the order asserted.
            using var p = new TestProcess("/bin/sh", ["-c", $"exec '{Repo.Binary}' --print-config app.ini 2>&1"], dir);
            Assert.Equal(1, p.WaitForExit());
            var lines = p.Output;
            int processes = lines.FindIndex(l => l.Trim() == "processes = 3");
            int threads = lines.FindIndex(l => l.Trim() == "threads = 2");
            int err = lines.FindIndex(l => l.Contains("error: ") && l.Contains(error));
            Assert.True(processes >= 0 && threads >= 0 && err >= 0, $"options or error missing:\n{lines}");
            Assert.True(err > processes && err > threads, $"the error must come after the options:\n{lines}");
        }
        finally { Repo.DeleteDir(dir); }
    }
}
