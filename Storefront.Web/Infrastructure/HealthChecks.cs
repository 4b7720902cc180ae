using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using StackExchange.Redis;
using Storefront.BuildingBlocks.Modules;

namespace Storefront.Web.Infrastructure;

internal sealed class PostgresHealthCheck(IConfiguration configuration) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = new NpgsqlConnection(configuration.GetConnectionString(ModuleRegistration.ConnectionStringName));
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is not reachable.", ex);
        }
    }
}

internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.0} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis is not reachable.", ex);
        }
    }
}

/// <summary>
/// The readiness answer names what fails, so an operator (or a probe's log) sees at once which
/// dependency it is: "Healthy", or for example "Unhealthy: redis (Redis is not reachable.)".
/// Exception texts stay in the log; the answer is public.
/// </summary>
internal static class HealthReportWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var failing = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy)
            .Select(e => e.Value.Description is { Length: > 0 } why ? $"{e.Key} ({why})" : e.Key).ToList();
        return context.Response.WriteAsync(failing.Count == 0 ? report.Status.ToString() : $"{report.Status}: {string.Join(", ", failing)}");
    }
}
