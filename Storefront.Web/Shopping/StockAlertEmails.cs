using Microsoft.AspNetCore.Identity;
using Storefront.BuildingBlocks.Email;
using Storefront.BuildingBlocks.Events;
using Storefront.BuildingBlocks.Links;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Web.Identity;
using Storefront.Web.Words;

namespace Storefront.Web.Shopping;

/// <summary>
/// Event consumer "web.stock-alert-emails" (once per cluster): when a SKU can be bought again, tells
/// every account waiting for it (<see cref="IStockAlerts"/>), at the account's confirmed address, and
/// completes each alert once its mail is sent. A product that is not on sale (unpublished) keeps its
/// alerts; they go when it is published again with stock (its <see cref="ProductChangedEvent"/>).
/// Delivery is at least once: a pass cut off between a mail and its alert's
/// completion sends that one mail again.
/// </summary>
public sealed class StockAlertEmails(IStockAlerts alerts, ICatalogQueries catalog, UserManager<StoreUser> users, IEmailSender email,
    IStoreLinks links, ShopLinks pages, OutcomeText words) :
    IIntegrationEventBatchHandler<StockChangedEvent>, IIntegrationEventBatchHandler<ProductChangedEvent>
{
    public const string ConsumerName = "web.stock-alert-emails";
    private const int Batch = 100;

    // Only the last word on each SKU matters, and only if it can be bought (DueAsync checks the stock).
    public Task HandleAsync(IReadOnlyList<StockChangedEvent> integrationEvents, CancellationToken cancellationToken) =>
        SendDueAsync(integrationEvents.GroupBy(c => c.Sku, StringComparer.Ordinal).Where(g => g.Last().Available > 0).Select(g => g.Key).ToList(), cancellationToken);

    public Task HandleAsync(IReadOnlyList<ProductChangedEvent> integrationEvents, CancellationToken cancellationToken) =>
        SendDueAsync(integrationEvents.GroupBy(c => c.Sku, StringComparer.Ordinal).Where(g => g.Last().Published).Select(g => g.Key).ToList(), cancellationToken);

    private async Task SendDueAsync(List<string> skus, CancellationToken ct)
    {
        if (skus.Count == 0) return;
        var products = await catalog.GetProductsBySkuAsync(skus, ct);
        foreach (var sku in skus)
        {
            if (!products.TryGetValue(sku, out var product)) continue;
            while (await alerts.DueAsync(sku, Batch, ct) is { Count: > 0 } due)
            {
                foreach (var alert in due)
                {
                    if (await users.FindByIdAsync(alert.UserId) is { EmailConfirmed: true, Email: { Length: > 0 } to })
                        await SendAsync(to, product, ct);
                    await alerts.CompleteAsync(alert.Id, ct);
                }
            }
        }
    }

    private Task SendAsync(string to, ProductSummary product, CancellationToken ct) =>
        email.SendAsync(new EmailMessage(to,
            words.Of("email.stock-alert.subject", ("title", product.Title)),
            words.Of("email.stock-alert.body", ("title", product.Title), ("price", product.Price),
                ("url", links.Absolute(pages.Product(product.Slug))), ("alertsUrl", links.Absolute(pages.StockAlerts())))), ct);
}

public static class StockAlertEmailsRegistration
{
    public static IServiceCollection AddStockAlertEmails(this IServiceCollection services) =>
        services.AddEventConsumer<StockAlertEmails>(StockAlertEmails.ConsumerName, ConsumerScope.OncePerCluster);
}
