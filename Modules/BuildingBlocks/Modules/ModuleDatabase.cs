using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Storefront.BuildingBlocks.Events;
using Storefront.BuildingBlocks.Outbox;

namespace Storefront.BuildingBlocks.Modules;

/// <summary>
/// A module's database, as the host sees it: something that can be migrated. The registrations are
/// also the list of schemas and contexts that tests and tools derive from, so no such list is kept by hand.
/// </summary>
public interface IModuleDatabase
{
    /// <summary>The schema the module's tables and migrations history live in.</summary>
    string Module { get; }

    /// <summary>The module's DbContext type.</summary>
    Type Context { get; }

    Task MigrateAsync(CancellationToken cancellationToken);
}

internal sealed class ModuleDatabase<TContext>(string module, IServiceScopeFactory scopes) : IModuleDatabase
    where TContext : DbContext
{
    public string Module => module;

    public Type Context => typeof(TContext);

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await db.Database.MigrateAsync(cancellationToken);
    }
}

public static class ModuleRegistration
{
    public const string ConnectionStringName = "Postgres";

    /// <summary>
    /// Registers a module's DbContext on the shared PostgreSQL database, with its migrations history
    /// table in the module's own schema, its outbox (emptied into the event log by the relay) and its
    /// migration entry point.
    /// The connection string is read when the context is first created, never at registration.
    /// </summary>
    public static IServiceCollection AddModuleDbContext<TContext>(this IServiceCollection services, string schema, bool withOutbox = true)
        where TContext : DbContext
    {
        services.AddDbContextPool<TContext>((sp, options) =>
        {
            var connectionString = sp.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionStringName)
                ?? throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not configured.");
            if (withOutbox) options.AddInterceptors(sp.GetRequiredService<OutboxCommitInterceptor>());
            options.UseNpgsql(connectionString, npgsql =>
                {
                    npgsql.MigrationsHistoryTable("__ef_migrations_history", schema);
                    npgsql.MigrationsAssembly(typeof(TContext).Assembly.GetName().Name);
                })
                .UseSnakeCaseNamingConvention()
                // A failed save or command always reaches its caller as an exception: an expected race
                // (a double submit meeting a unique key, a lost row version) is handled and logged there
                // as what it is, and anything else is logged with its stack trace where it is not
                // handled. EF's own error-level record of the same failure would be a false alarm.
                .ConfigureWarnings(w => w.Log(
                    (CoreEventId.SaveChangesFailed, LogLevel.Debug),
                    (CoreEventId.OptimisticConcurrencyException, LogLevel.Debug),
                    (RelationalEventId.CommandError, LogLevel.Debug)));
        });
        services.AddSingleton<IModuleDatabase>(sp => new ModuleDatabase<TContext>(schema, sp.GetRequiredService<IServiceScopeFactory>()));
        services.TryAddSingleton(TimeProvider.System);
        if (!withOutbox) return services;
        services.AddEventLog();
        services.AddSingleton(new OutboxSource(schema, typeof(TContext)));
        return services;
    }
}
