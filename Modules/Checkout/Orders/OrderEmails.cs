using System.Globalization;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Email;
using Storefront.BuildingBlocks.Links;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Checkout.Contracts;

namespace Storefront.Checkout.Orders;

/// <summary>The order confirmation and status e-mails, sent from the outbox (so never for an order that did not happen).</summary>
internal sealed class OrderEmails(IEmailSender email, IStoreLinks links) :
    IIntegrationEventHandler<OrderPlacedEvent>, IIntegrationEventHandler<OrderStatusChangedEvent>
{
    private string TrackUrl => links.Absolute("/orders/track");

    public Task HandleAsync(OrderPlacedEvent e, CancellationToken ct)
    {
        var lines = string.Join("\n", e.Lines.Select(l => $"  {l.Quantity} × {l.Sku}  {new Money(l.UnitPrice * l.Quantity, e.Currency)}"));
        return email.SendAsync(new EmailMessage(e.Email, $"Your order {e.OrderNumber}",
            $"""
            Thank you for your order.

            Order {e.OrderNumber}, placed {e.PlacedAt.ToString("d MMMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture)}:
            {lines}
            Total charged: {new Money(e.Total, e.Currency)}

            Follow it at {TrackUrl} with the order number and this e-mail address.
            """), ct);
    }

    public Task HandleAsync(OrderStatusChangedEvent e, CancellationToken ct)
    {
        var what = e.Status switch
        {
            "Shipped" => $"is on its way ({e.Note})",
            "Delivered" => "has been delivered",
            "Packed" => "is packed and waiting for the carrier",
            "Cancelled" => "has been cancelled",
            "Refunded" or "Partially refunded" => $"has been refunded ({e.Note})",
            _ => $"is now {e.Status.ToLowerInvariant()}",
        };
        return email.SendAsync(new EmailMessage(e.Email, $"Order {e.OrderNumber}: {e.Status}",
            $"""
            Your order {e.OrderNumber} {what}.

            Follow it at {TrackUrl} with the order number and this e-mail address.
            """), ct);
    }
}
