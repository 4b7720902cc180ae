using System.Globalization;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Email;
using Storefront.BuildingBlocks.Events;
using Storefront.BuildingBlocks.Links;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Checkout.Contracts;
using Storefront.Web.Components;
using Storefront.Web.Infrastructure;
using Storefront.Web.Seo;
using Storefront.Web.Words;

namespace Storefront.Web.Shopping;

/// <summary>
/// The order confirmation and status e-mails, sent from Checkout's events (so never for an order
/// that did not happen). Each reads like a receipt: the products by name, the totals, where the order
/// goes, and a link that opens the order's page (its key, as the confirmation page gives) — as plain
/// text and as HTML. Composed here, not in Checkout: the words are the host's resources and the
/// links are built from the public address and the pages' routes.
/// </summary>
public sealed class OrderEmails(IEmailSender email, IOrders orders, OrderAccess access, IStoreLinks links, ShopLinks pages,
    OutcomeText words, ComponentHtml html, IOptions<OrderLinkOptions> linkOptions, IOptions<SeoOptions> seo,
    IOptions<CheckoutOptions> checkout, IOptions<ReturnOptions> returns, IOptions<InvoiceOptions> invoices) :
    IIntegrationEventHandler<OrderPlacedEvent>, IIntegrationEventHandler<OrderStatusChangedEvent>, IIntegrationEventHandler<ReturnChangedEvent>
{
    /// <summary>
    /// The consumer's name is Checkout's, from when the module sent these: the name keeps its
    /// delivery position, so no e-mail is sent twice or skipped when the handler moved.
    /// </summary>
    public const string ConsumerName = "checkout.order-emails";

    private string TrackUrl => links.Absolute(pages.OrderTracking());

    private int LinkDays => Math.Max(1, (int)Math.Round(linkOptions.Value.LinkLifetime.TotalDays));

    public async Task HandleAsync(OrderPlacedEvent integrationEvent, CancellationToken cancellationToken)
    {
        var e = integrationEvent;
        var subject = words.Of("email.order-placed.subject", ("number", e.OrderNumber));
        var lead = words.Of("email.order-placed.lead");
        // The order as stored has the titles, totals and address the event does not carry. It is
        // there (the event is written with it); should it not be, the event alone still says enough.
        if (await orders.GetAsync(e.OrderNumber, cancellationToken) is { } order)
        {
            await SendAsync(order, subject, lead, cancellationToken);
            return;
        }
        var lines = string.Join("\n", e.Lines.Select(l =>
            words.Of("email.order-placed.line", ("quantity", l.Quantity), ("title", l.Sku), ("sku", l.Sku), ("amount", new Money(l.UnitPrice * l.Quantity, e.Currency)))));
        await email.SendAsync(new EmailMessage(e.Email, subject,
            words.Of("email.order-placed.short", ("number", e.OrderNumber), ("placedAt", PlacedAt(e.PlacedAt)),
                ("lines", lines), ("total", new Money(e.Total, e.Currency)), ("trackUrl", TrackUrl))), cancellationToken);
    }

    public async Task HandleAsync(OrderStatusChangedEvent integrationEvent, CancellationToken cancellationToken)
    {
        var e = integrationEvent;
        var note = OrderNotes.Read(e.Note);
        var what = e.Status switch
        {
            "Shipped" => words.Of("email.order-status.shipped", ("note", note)),
            "Delivered" => words.Of("email.order-status.delivered"),
            "Packed" => words.Of("email.order-status.packed"),
            "Cancelled" => words.Of("email.order-status.cancelled"),
            "Refunded" or "Partially refunded" => words.Of("email.order-status.refunded", ("note", note)),
            _ => words.Of("email.order-status.other", ("status", e.Status)),
        };
        var subject = words.Of("email.order-status.subject", ("number", e.OrderNumber), ("status", e.Status));
        var lead = words.Of("email.order-status.lead", ("number", e.OrderNumber), ("what", what));
        if (await orders.GetAsync(e.OrderNumber, cancellationToken) is { } order)
        {
            await SendAsync(order, subject, lead, cancellationToken);
            return;
        }
        await email.SendAsync(new EmailMessage(e.Email, subject,
            words.Of("email.order-status.body", ("number", e.OrderNumber), ("what", what), ("trackUrl", TrackUrl))), cancellationToken);
    }

    /// <summary>
    /// A return asked for, approved (where to send it) or declined (why). A refunded one says nothing
    /// here: its refund's own e-mail ("has been refunded") goes with the order's status change.
    /// </summary>
    public async Task HandleAsync(ReturnChangedEvent integrationEvent, CancellationToken cancellationToken)
    {
        var e = integrationEvent;
        var amount = new Money(e.Amount, e.Currency);
        (string Subject, string Lead)? mail = e.Status switch
        {
            ReturnStatus.Requested => (words.Of("email.return-requested.subject", ("number", e.Number)),
                words.Of("email.return-requested.lead", ("number", e.Number), ("order", e.OrderNumber))),
            ReturnStatus.Approved => (words.Of("email.return-approved.subject", ("number", e.Number)),
                words.Of("email.return-approved.lead", ("number", e.Number), ("address", returns.Value.SendTo(invoices.Value)), ("amount", amount))),
            ReturnStatus.Declined => (words.Of("email.return-declined.subject", ("number", e.Number)),
                words.Of("email.return-declined.lead", ("number", e.Number), ("note", e.Note))),
            _ => null,
        };
        if (mail is not { } m) return;
        if (await orders.GetAsync(e.OrderNumber, cancellationToken) is { } order)
        {
            await SendAsync(order, m.Subject, m.Lead, cancellationToken);
            return;
        }
        await email.SendAsync(new EmailMessage(e.Email, m.Subject, m.Lead + "\n\n" + TrackUrl), cancellationToken);
    }

    private async Task SendAsync(OrderView order, string subject, string lead, CancellationToken cancellationToken)
    {
        var key = access.KeyFor(order);
        var orderUrl = links.Absolute(pages.Order(order.Number, key));
        var invoiceUrl = links.Absolute(pages.Invoice(order.Number, key));
        var method = checkout.Value.Shipping.TryGetValue(order.ShippingMethod, out var shipping) && shipping.Name.Length > 0 ? shipping.Name : order.ShippingMethod;
        var a = order.ShippingAddress;
        var address = string.Join("\n", new[] { a.Name, a.Line1, a.Line2, $"{a.City}, {a.Region} {a.PostalCode}", a.Country }
            .Where(part => !string.IsNullOrWhiteSpace(part)).Select(part => "  " + part));
        var lines = string.Join("\n", order.Lines.Select(l =>
            words.Of("email.order-placed.line", ("quantity", l.Quantity), ("title", l.Title), ("sku", l.Sku), ("amount", l.LineTotal))));
        var refunded = order.Refunded.Amount > 0 ? "\n" + words.Of("email.order.refunded", ("refunded", order.Refunded)) : "";
        var discount = order.Discount is { } off ? "\n" + words.Of("email.order.discount", ("code", order.DiscountCode), ("discount", off)) : "";
        var text = words.Of("email.order.body", ("lead", lead), ("number", order.Number), ("placedAt", PlacedAt(order.PlacedAt)),
            ("lines", lines), ("subtotal", order.Subtotal), ("discount", discount), ("method", method), ("shipping", order.Shipping), ("tax", order.Tax),
            ("total", order.Total), ("refunded", refunded), ("address", address), ("orderUrl", orderUrl), ("invoiceUrl", invoiceUrl), ("days", LinkDays),
            ("trackUrl", TrackUrl));
        var page = await html.RenderAsync<OrderMail>(new Dictionary<string, object?>
        {
            [nameof(OrderMail.Order)] = order,
            [nameof(OrderMail.Subject)] = subject,
            [nameof(OrderMail.Lead)] = lead,
            [nameof(OrderMail.ShippingMethod)] = method,
            [nameof(OrderMail.StoreName)] = seo.Value.StoreName,
            [nameof(OrderMail.OrderUrl)] = orderUrl,
            [nameof(OrderMail.InvoiceUrl)] = invoiceUrl,
            [nameof(OrderMail.TrackUrl)] = TrackUrl,
            [nameof(OrderMail.LinkDays)] = LinkDays,
        });
        await email.SendAsync(new EmailMessage(order.Email, subject, text, page), cancellationToken);
    }

    private static string PlacedAt(DateTimeOffset at) => at.ToString("d MMMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);
}

public static class OrderEmailsRegistration
{
    public static IServiceCollection AddOrderEmails(this IServiceCollection services)
    {
        services.AddSingleton<ComponentHtml>();
        return services.AddEventConsumer<OrderEmails>(OrderEmails.ConsumerName, ConsumerScope.OncePerCluster);
    }
}
