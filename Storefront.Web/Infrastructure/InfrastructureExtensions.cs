using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;
using Storefront.BuildingBlocks.Modules;

namespace Storefront.Web.Infrastructure;

internal static class InfrastructureExtensions
{
    /// <summary>Where Hangfire keeps its jobs: a schema no module may name.</summary>
    public const string HangfireSchema = "hangfire";

    /// <summary>Redis, Hangfire and health checks. Nothing here connects until first used.</summary>
    public static IServiceCollection AddStorefrontInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorefrontOptions>().BindConfiguration("Storefront")
            .Validate(o => o.DemoProducts is >= 0 and <= 100_000, "Storefront:DemoProducts must be between 0 and 100000.")
            .Validate(o => o.DemoOrders is >= 0 and <= 10_000_000, "Storefront:DemoOrders must be between 0 and 10000000.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);

        // Keys that sign the sign-in, cart and form cookies survive restarts (they live on the data
        // volume); instances behind one load balancer must share this folder.
        services.AddDataProtection().SetApplicationName("Storefront");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<StorefrontOptions>, ILoggerFactory>((o, storefront, logs) =>
            o.XmlRepository = new FileSystemXmlRepository(
                new DirectoryInfo(Path.GetFullPath(Path.Combine(storefront.Value.DataPath, "keys"))), logs));

        // One multiplexer for the whole process, as StackExchange.Redis intends.
        services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var cs = sp.GetRequiredService<IConfiguration>().GetConnectionString("Redis");
            if (string.IsNullOrWhiteSpace(cs)) throw new InvalidOperationException("ConnectionStrings:Redis is not configured.");
            var options = ConfigurationOptions.Parse(cs);
            options.AbortOnConnectFail = false;
            // While Redis is down a command fails at once instead of waiting in a queue for the
            // reconnect until its timeout: the pages that can do without Redis (the header's cart
            // count, the lists, the admin area) answer at their usual speed, and those that cannot
            // say so at once. The multiplexer keeps reconnecting in the background either way.
            options.BacklogPolicy = BacklogPolicy.FailFast;
            return ConnectionMultiplexer.Connect(options);
        });

        services.AddHangfire((sp, config) =>
        {
            var cs = sp.GetRequiredService<IConfiguration>().GetConnectionString(ModuleRegistration.ConnectionStringName);
            config.UseLogProvider(new HangfireLogging(sp.GetRequiredService<ILoggerFactory>()))
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
                .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(cs), new PostgreSqlStorageOptions
                {
                    SchemaName = HangfireSchema,
                    PrepareSchemaIfNecessary = true,
                    QueuePollInterval = TimeSpan.FromSeconds(1),
                });
        });
        if (configuration.GetValue("Hangfire:ServerEnabled", true))
        {
            services.AddHangfireServer((sp, o) =>
            {
                o.WorkerCount = sp.GetRequiredService<IConfiguration>().GetValue("Hangfire:WorkerCount", 2);
                o.SchedulePollingInterval = TimeSpan.FromSeconds(5);
            });
        }

        services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>("postgres", tags: ["ready"])
            .AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        return services;
    }

    public static WebApplication MapStorefrontInfrastructure(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResultStatusCodes = { [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable },
            ResponseWriter = HealthReportWriter.WriteAsync,
        });
        app.MapHangfireDashboard("/admin/jobs", new DashboardOptions
        {
            // The endpoint's policy has let only owners in; Hangfire asks again, the same way.
            Authorization = [],
            AsyncAuthorization = [new OwnersOnlyDashboardFilter()],
            DashboardTitle = "Storefront jobs",
            AppPath = "/admin",
        }).RequireAuthorization(Identity.Roles.AdminPolicy);
        return app;
    }

    private sealed class OwnersOnlyDashboardFilter : IDashboardAsyncAuthorizationFilter
    {
        public Task<bool> AuthorizeAsync(DashboardContext context)
        {
            var http = context.GetHttpContext();
            return http.RequestServices.GetRequiredService<Identity.StaffAccess>().HoldsAsync(http.User, Identity.StaffPages.PolicyRoles[Identity.Roles.AdminPolicy], http.RequestAborted);
        }
    }
}
