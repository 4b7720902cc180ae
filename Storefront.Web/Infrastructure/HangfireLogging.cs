using HangfireLog = Hangfire.Logging;

namespace Storefront.Web.Infrastructure;

/// <summary>
/// Hangfire's log output through the host's logging. Hangfire keeps its log provider in a
/// process-wide static that the last host built replaces, and asks it for loggers at odd moments
/// (the first job enqueued, shutdown). Once that host's logger factory is disposed, Hangfire's own
/// provider throws and fails whatever request wanted a logger; this one logs nothing instead.
/// </summary>
internal sealed class HangfireLogging(ILoggerFactory factory) : HangfireLog.ILogProvider
{
    public HangfireLog.ILog GetLogger(string name) => new HostLog(factory, name);

    private sealed class HostLog(ILoggerFactory factory, string name) : HangfireLog.ILog
    {
        private ILogger? _logger;

        public bool Log(HangfireLog.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            var level = logLevel switch
            {
                HangfireLog.LogLevel.Trace => LogLevel.Trace,
                HangfireLog.LogLevel.Debug => LogLevel.Debug,
                HangfireLog.LogLevel.Info => LogLevel.Information,
                HangfireLog.LogLevel.Warn => LogLevel.Warning,
                HangfireLog.LogLevel.Error => LogLevel.Error,
                _ => LogLevel.Critical,
            };
            try
            {
                _logger ??= factory.CreateLogger(name);
                // Hangfire asks with no message to learn whether the level is on.
                if (messageFunc is null) return _logger.IsEnabled(level);
                if (!_logger.IsEnabled(level)) return false;
                _logger.Log(level, exception, "{Message}", messageFunc());
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
