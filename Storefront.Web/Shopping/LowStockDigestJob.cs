using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks.Email;
using Storefront.BuildingBlocks.Links;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Web.Areas.Admin;
using Storefront.Web.Words;

namespace Storefront.Web.Shopping;

/// <summary>
/// Once a day (Hangfire, <see cref="MerchantNotificationOptions.LowStockCron"/>), the merchants are
/// told which products are out of stock or running low, fewest first, as the dashboard lists them,
/// with a link to the stock page. Nothing low, no e-mail.
/// </summary>
public sealed class LowStockDigestJob(IPricesAndStock stock, ICatalogAdmin catalog, MerchantRecipients merchants, IEmailSender email,
    IStoreLinks links, ShopLinks pages, OutcomeText words, IOptions<MerchantNotificationOptions> options)
{
    public const string Id = "merchant-low-stock-digest";

    /// <summary>The products an e-mail names; the rest are counted.</summary>
    public const int Listed = 50;

    public async Task RunAsync(CancellationToken ct)
    {
        if (!options.Value.LowStock) return;
        var low = await LowStockList.ReadAsync(stock, catalog, 1, Listed, ct);
        var total = low.Page.OutOfStock + low.Page.Low;
        if (total == 0) return;
        var recipients = await merchants.ListAsync(Identity.Roles.Admin, Identity.Roles.Catalog);
        if (recipients.Count == 0) return;
        var lines = low.Rows.Select(r => words.Of("email.low-stock.line", ("available", r.Stock.Available),
            ("title", r.Product?.Title ?? r.Stock.Sku), ("sku", r.Stock.Sku)));
        var more = total > low.Rows.Count ? "\n" + words.Of("email.low-stock.more", ("count", total - low.Rows.Count)) : "";
        var subject = words.Of("email.low-stock.subject", ("out", low.Page.OutOfStock), ("low", low.Page.Low));
        var text = words.Of("email.low-stock.body", ("threshold", LowStockList.Threshold), ("lines", string.Join("\n", lines)), ("more", more),
            ("stockUrl", links.Absolute(pages.AdminStock())));
        foreach (var to in recipients) await email.SendAsync(new EmailMessage(to, subject, text), ct);
    }
}
