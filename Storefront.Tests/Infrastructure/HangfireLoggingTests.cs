using Microsoft.Extensions.Logging;
using Storefront.Web.Infrastructure;
using HangfireLog = Hangfire.Logging;

namespace Storefront.Tests.Infrastructure;

/// <summary>
/// Hangfire keeps one log provider for the whole process; when the host that set it has been shut
/// down, asking it for a logger (as enqueuing a rebuild from /admin/search does) must not fail.
/// </summary>
public sealed class HangfireLoggingTests
{
    private sealed class Collect(List<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Add($"{logLevel}: {formatter(state, exception)}");
        public void Dispose() { }
    }

    [Fact]
    public void Hangfire_logs_through_the_host_while_it_runs_and_logs_nothing_once_it_is_gone()
    {
        var lines = new List<string>();
        var factory = LoggerFactory.Create(b => b.AddProvider(new Collect(lines)));
        var provider = new HangfireLogging(factory);

        var log = provider.GetLogger("Hangfire.Server");
        Assert.True(log.Log(HangfireLog.LogLevel.Info, null));
        Assert.False(log.Log(HangfireLog.LogLevel.Debug, null));
        Assert.True(log.Log(HangfireLog.LogLevel.Warn, () => "queue is slow"));
        Assert.False(log.Log(HangfireLog.LogLevel.Debug, () => "detail"));
        Assert.Equal(["Warning: queue is slow"], lines);

        factory.Dispose();
        var late = provider.GetLogger("Hangfire.Client.CoreBackgroundJobFactory");
        Assert.False(late.Log(HangfireLog.LogLevel.Error, () => "after shutdown"));
        Assert.False(late.Log(HangfireLog.LogLevel.Info, null));
        Assert.Single(lines);
    }
}
