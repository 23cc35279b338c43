using DotnetWsgi.Manager.Master;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Master;

public class CommandTableTests
{
    [Theory]
    [InlineData(Signals.SIGHUP, MasterCommand.GracefulReload)]
    [InlineData(Signals.SIGTERM, MasterCommand.GracefulStop)]
    [InlineData(Signals.SIGINT, MasterCommand.GracefulStop)]
    [InlineData(Signals.SIGQUIT, MasterCommand.StopNow)]
    [InlineData(Signals.SIGUSR1, MasterCommand.Stats)]
    [InlineData(Signals.SIGUSR2, MasterCommand.WorkerStatus)]
    [InlineData(Signals.SIGTTIN, MasterCommand.AddWorker)]
    [InlineData(Signals.SIGTTOU, MasterCommand.RemoveWorker)]
    [InlineData(Signals.SIGTSTP, MasterCommand.TogglePause)]
    public void FromSignal_MapsEachMasterSignal(int signal, MasterCommand expected)
        => Assert.Equal(expected, CommandTable.FromSignal(signal));

    [Theory]
    [InlineData('r', MasterCommand.GracefulReload)]
    [InlineData('R', MasterCommand.BrutalReload)]
    [InlineData('w', MasterCommand.WorkersReload)]
    [InlineData('W', MasterCommand.BrutalWorkersReload)]
    [InlineData('c', MasterCommand.ChainReload)]
    [InlineData('q', MasterCommand.GracefulStop)]
    [InlineData('Q', MasterCommand.StopNow)]
    [InlineData('s', MasterCommand.Stats)]
    [InlineData('l', MasterCommand.ReopenLog)]
    [InlineData('L', MasterCommand.RotateLog)]
    [InlineData('p', MasterCommand.TogglePause)]
    [InlineData('P', MasterCommand.WritePidfiles)]
    [InlineData('+', MasterCommand.AddWorker)]
    [InlineData('-', MasterCommand.RemoveWorker)]
    public void FromFifoByte_MapsEachUwsgiFifoCommand(char b, MasterCommand expected)
        => Assert.Equal(expected, CommandTable.FromFifoByte((byte)b));

    [Theory]
    [InlineData('\n')]
    [InlineData('0')]
    [InlineData('9')]
    [InlineData('x')]
    public void FromFifoByte_IgnoresNewlinesDigitsAndUnknownBytes(char b)
        => Assert.Null(CommandTable.FromFifoByte((byte)b));

    [Fact]
    public void SignalAndFifoByte_ForGracefulReload_AreTheSameCommand()
        => Assert.Equal(CommandTable.FromSignal(Signals.SIGHUP), CommandTable.FromFifoByte((byte)'r'));
}
