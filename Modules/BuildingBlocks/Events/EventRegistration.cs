using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Storefront.BuildingBlocks.Events.Data;
using Storefront.BuildingBlocks.Modules;
using Storefront.BuildingBlocks.Outbox;

namespace Storefront.BuildingBlocks.Events;

public static class EventRegistration
{
    /// <summary>The event log, its relay and delivery (registered once, whoever asks first).</summary>
    public static IServiceCollection AddEventLog(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(EventDelivery))) return services;
        services.AddModuleDbContext<EventsDbContext>(EventsDbContext.Schema, withOutbox: false);
        services.AddOptions<EventOptions>().BindConfiguration("Events")
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.PollInterval <= TimeSpan.FromMinutes(1), "Events:PollInterval must be between 0 and 1 minute.")
            .Validate(o => o.BatchSize is >= 1 and <= 10_000, "Events:BatchSize must be between 1 and 10000.")
            .Validate(o => o.MinPassInterval >= TimeSpan.Zero && o.MinPassInterval <= TimeSpan.FromSeconds(5), "Events:MinPassInterval must be between 0 and 5 seconds.")
            .Validate(o => o.FirstRetryDelay > TimeSpan.Zero && o.MaxRetryDelay >= o.FirstRetryDelay, "Events:FirstRetryDelay must be positive and at most Events:MaxRetryDelay.")
            .Validate(o => o.ParkAfterAttempts is >= 1 and <= 1000, "Events:ParkAfterAttempts must be between 1 and 1000.")
            .Validate(o => o.Retention >= TimeSpan.FromHours(1), "Events:Retention must be at least an hour.")
            .Validate(o => o.InstanceId is null || o.InstanceId.Length is >= 1 and <= 100, "Events:InstanceId must be 1 to 100 characters.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<EventTypeRegistry>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<OutboxCommitInterceptor>();
        services.AddSingleton<EventRelay>();
        services.AddSingleton<EventDelivery>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<EventDelivery>());
        services.AddScoped<IEventLogAdmin, EventLogAdmin>();
        services.TryAddScoped<OutboxDelivery>();
        return services;
    }

    /// <summary>Makes the events an assembly declares known by name (each module registers its own).</summary>
    public static IServiceCollection AddIntegrationEvents(this IServiceCollection services, Assembly assembly)
    {
        services.AddEventLog();
        services.AddSingleton(new EventAssembly(assembly));
        return services;
    }

    /// <summary>
    /// Registers a consumer: <typeparamref name="THandler"/> gets every event it implements a handler
    /// for, from a delivery position of its own kept under <paramref name="name"/>.
    /// </summary>
    public static IServiceCollection AddEventConsumer<THandler>(this IServiceCollection services, string name, ConsumerScope scope)
        where THandler : class =>
        services.AddEventConsumer<THandler>(name, _ => scope);

    /// <summary>A consumer whose scope depends on configuration (a search index kept per instance or shared).</summary>
    public static IServiceCollection AddEventConsumer<THandler>(this IServiceCollection services, string name, Func<IServiceProvider, ConsumerScope> scope)
        where THandler : class
    {
        services.AddEventLog();
        services.TryAddScoped<THandler>();
        services.AddSingleton(new EventConsumerDefinition(name, typeof(THandler), scope));
        return services;
    }
}
