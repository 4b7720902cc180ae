using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Events;
using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Storefront.BuildingBlocks.Modules;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Checkout.Data;
using Storefront.Checkout.Discounts;
using Storefront.Checkout.Orders;
using Storefront.Checkout.Payments;
using Storefront.Checkout.Saga;

namespace Storefront.Checkout.Contracts;

public static class CheckoutModule
{
    public static IServiceCollection AddCheckoutModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<CheckoutDbContext>(CheckoutDbContext.Schema);
        services.AddStoreCurrency();
        services.AddIntegrationEvents(typeof(CheckoutModule).Assembly);
        services.AddOptions<CheckoutOptions>().BindConfiguration("Checkout")
            .Validate(o => o.Shipping.Count > 0, "Checkout:Shipping needs at least one method.")
            .Validate(o => o.Shipping.Values.All(m => m.Flat is >= 0
                    || (m.Bands.Count > 0 && m.Bands.All(b => b.Price >= 0))
                    || (m.WeightBands.Count > 0 && m.WeightBands.All(b => b.Price >= 0))),
                "Each Checkout:Shipping method needs a Flat price, price Bands or WeightBands, with prices of 0 or more.")
            .Validate(o => o.DefaultItemWeightKg >= 0, "Checkout:DefaultItemWeightKg cannot be negative.")
            .Validate(o => o.TaxRates.Values.All(r => r is >= 0 and < 1), "Checkout:TaxRates are fractions from 0 to 1.")
            .Validate(o => o.RecoverAfter >= TimeSpan.Zero, "Checkout:RecoverAfter cannot be negative.")
            .ValidateOnStart();
        services.AddScoped<DiscountCodes>();
        services.AddScoped<IDiscountCodes>(sp => sp.GetRequiredService<DiscountCodes>());
        services.AddScoped<Pricing>();
        services.AddScoped<CheckoutSaga>();
        services.AddScoped<ICheckout>(sp => sp.GetRequiredService<CheckoutSaga>());
        services.AddScoped<IOrders, OrderQueries>();
        services.AddScoped<IOrderHistory, OrderHistory>();
        services.AddScoped<IOrderBulkLoader, OrderBulkLoader>();
        services.TryAddSingleton<ICheckoutFaults, NoCheckoutFaults>();
        services.AddOptions<StripeOptions>().BindConfiguration("Checkout:Stripe");
        // Checkout:Gateway chooses the payment provider: "test" (the default) or "stripe".
        if (string.Equals(configuration["Checkout:Gateway"], "stripe", StringComparison.OrdinalIgnoreCase))
            services.AddScoped<IPaymentGateway, StripePaymentGateway>();
        else
            services.AddScoped<IPaymentGateway, TestPaymentGateway>();
        services.AddScoped<IStripeWebhooks, StripeWebhooks>();
        services.AddScoped<OrderAdmin>();
        services.AddScoped<IOrderAdmin>(sp => sp.GetRequiredService<OrderAdmin>());
        services.AddScoped<IFulfilmentQueue, FulfilmentQueue>();
        // The order e-mails are the host's consumer ("checkout.order-emails", AddOrderEmails): their words
        // and links are the host's. A separate consumer, so an SMTP outage never delays the fulfilment queue.
        services.AddEventConsumer<FulfilmentHandler>("checkout.fulfilment", ConsumerScope.OncePerCluster);
        services.AddEventConsumer<InvoiceHandler>("checkout.invoices", ConsumerScope.OncePerCluster);
        services.AddScoped<IInvoices, Invoices>();
        services.AddScoped<IReturns, Returns.Returns>();
        services.AddOptions<ReturnOptions>().BindConfiguration("Checkout:Returns")
            .Validate(o => o.Days is >= 0 and <= 3650, "Checkout:Returns:Days must be from 0 to 3650.")
            .ValidateOnStart();
        services.AddOptions<InvoiceOptions>().BindConfiguration("Checkout:Invoices")
            .Validate(o => o.Prefix.Length <= 12 && o.Prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '/' or '_'),
                "Checkout:Invoices:Prefix is at most 12 letters, digits, '-', '/' or '_'.")
            .ValidateOnStart();
        services.AddTransient<RecoverCheckoutsJob>();
        return services;
    }

    public static IServiceProvider UseCheckoutJobs(this IServiceProvider services)
    {
        services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<RecoverCheckoutsJob>(
            RecoverCheckoutsJob.Id, job => job.RunAsync(CancellationToken.None), "* * * * *");
        return services;
    }
}

/// <summary>Hangfire job "checkout:recover": drives checkouts left mid-way to an end.</summary>
public sealed class RecoverCheckoutsJob(IServiceScopeFactory scopes)
{
    public const string Id = "checkout:recover";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<CheckoutSaga>().RecoverAsync(cancellationToken);
    }
}
