using System.Globalization;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Email;
using Storefront.BuildingBlocks.Events;
using Storefront.BuildingBlocks.Links;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Checkout.Contracts;
using Storefront.Web.Words;

namespace Storefront.Web.Shopping;

/// <summary>
/// The order confirmation and status e-mails, sent from Checkout's events (so never for an order
/// that did not happen). Composed here, not in Checkout: the words are the host's resources and the
/// tracking link is built from the public address and the page's route.
/// </summary>
public sealed class OrderEmails(IEmailSender email, IStoreLinks links, ShopLinks pages, OutcomeText words) :
    IIntegrationEventHandler<OrderPlacedEvent>, IIntegrationEventHandler<OrderStatusChangedEvent>
{
    /// <summary>
    /// The consumer's name is Checkout's, from when the module sent these: the name keeps its
    /// delivery position, so no e-mail is sent twice or skipped when the handler moved.
    /// </summary>
    public const string ConsumerName = "checkout.order-emails";

    private string TrackUrl => links.Absolute(pages.OrderTracking());

    public Task HandleAsync(OrderPlacedEvent integrationEvent, CancellationToken cancellationToken)
    {
        var e = integrationEvent;
        var lines = string.Join("\n", e.Lines.Select(l =>
            words.Of("email.order-placed.line", ("quantity", l.Quantity), ("sku", l.Sku), ("amount", new Money(l.UnitPrice * l.Quantity, e.Currency)))));
        return email.SendAsync(new EmailMessage(e.Email,
            words.Of("email.order-placed.subject", ("number", e.OrderNumber)),
            words.Of("email.order-placed.body", ("number", e.OrderNumber),
                ("placedAt", e.PlacedAt.ToString("d MMMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture)),
                ("lines", lines), ("total", new Money(e.Total, e.Currency)), ("trackUrl", TrackUrl))), cancellationToken);
    }

    public Task HandleAsync(OrderStatusChangedEvent integrationEvent, CancellationToken cancellationToken)
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
        return email.SendAsync(new EmailMessage(e.Email,
            words.Of("email.order-status.subject", ("number", e.OrderNumber), ("status", e.Status)),
            words.Of("email.order-status.body", ("number", e.OrderNumber), ("what", what), ("trackUrl", TrackUrl))), cancellationToken);
    }
}

public static class OrderEmailsRegistration
{
    public static IServiceCollection AddOrderEmails(this IServiceCollection services) =>
        services.AddEventConsumer<OrderEmails>(OrderEmails.ConsumerName, ConsumerScope.OncePerCluster);
}
