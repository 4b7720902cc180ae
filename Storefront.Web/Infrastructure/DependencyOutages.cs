using Npgsql;
using StackExchange.Redis;

namespace Storefront.Web.Infrastructure;

/// <summary>
/// A request that fails because PostgreSQL or Redis is not answering gets a 503 with Retry-After,
/// never a 500 and never a stack trace, in every environment: the friendly error page for pages, an
/// RFC 7807 problem for the JSON API. Nothing is retried here; the request changed nothing it could
/// not finish (a cart line changes only after its hold, under the cart's lock), and the next request
/// after the dependency returns simply works.
/// </summary>
internal static partial class DependencyOutages
{
    /// <summary>How long a shopper is asked to wait before trying again.</summary>
    public const int RetryAfterSeconds = 30;

    /// <summary>The dependency whose outage caused <paramref name="exception"/>, or null when it is something else (a bug).</summary>
    public static string? Of(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case RedisConnectionException or RedisTimeoutException:
                    return "Redis";
                case PostgresException pg:
                    // Only the server going away or running out of room; a constraint or syntax error is a bug.
                    if (pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("53", StringComparison.Ordinal)
                        || pg.SqlState.StartsWith("57P", StringComparison.Ordinal))
                        return "PostgreSQL";
                    return null;
                case NpgsqlException:
                    return "PostgreSQL";
            }
        }
        return null;
    }

    public static IApplicationBuilder UseDependencyOutages(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (Of(ex) is { } dependency && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            LogOutage(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Storefront.Outages"),
                dependency, context.Request.Path, ex.Message);
            HostMetrics.Outage(dependency);
            // Nothing the failed request set (cookies included) goes out.
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers.CacheControl = "no-store";
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                var what = context.Request.Path.StartsWithSegments("/api/cart") ? "Your cart is" : "This service is";
                await Results.Problem(
                    title: $"{what} briefly unavailable",
                    detail: $"Part of the store is not answering just now and nothing was changed. Please try again in {RetryAfterSeconds} seconds.",
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    extensions: new Dictionary<string, object?> { ["retryAfter"] = RetryAfterSeconds }).ExecuteAsync(context);
            }
            // Pages: the empty 503 is re-executed as the friendly error page by the status-code pages.
        }
    });

    // Warning, without the stack trace: an outage is an operations event, not a bug in this request.
    [LoggerMessage(Level = LogLevel.Warning, EventId = 503, Message = "{Dependency} is not answering; {Path} was answered 503: {Reason}")]
    private static partial void LogOutage(ILogger logger, string dependency, string path, string reason);
}
