using System.Text.Json;
using System.Text.Json.Serialization;
using Storefront.Cart.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Search.Contracts;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Identity;

/// <summary>
/// A shopper's copy of what the store keeps about their account: the account, every order in it
/// (with the address, the lines and the timeline), the cart, the products they wait for, the reviews
/// they wrote, and the search history that ranks their results. Read from the modules that keep each part; nothing is copied anywhere else.
/// </summary>
public sealed class AccountData(IOrders orders, ICarts carts, ISearchSignals searchSignals, Inventory.Contracts.IStockAlerts stockAlerts,
    Catalog.Contracts.IProductReviews reviews, ISavedProducts saved, OutcomeText words, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task<byte[]> ExportAsync(StoreUser user, CancellationToken ct)
    {
        var placed = new List<object>();
        foreach (var summary in await orders.ForUserAsync(user.Id, ct))
        {
            if (await orders.GetAsync(summary.Number, ct) is not { } o) continue;
            placed.Add(new
            {
                o.Number, o.PlacedAt, o.Status, o.Email, o.ShippingAddress, o.ShippingMethod, o.DeliveryNote,
                Lines = o.Lines.Select(l => new { l.Sku, l.Title, UnitPrice = l.UnitPrice.ToString(), l.Quantity }),
                Subtotal = o.Subtotal.ToString(), o.DiscountCode, Discount = o.Discount?.ToString(), Shipping = o.Shipping.ToString(), Tax = o.Tax.ToString(), Total = o.Total.ToString(),
                Refunded = o.Refunded.ToString(), o.Carrier, o.TrackingNumber,
                Timeline = o.Timeline.Select(t => new { t.Status, t.At, Note = t.Note is { } note ? words.Of(note) : null }),
            });
        }
        var cartLines = await carts.FindCartOfUserAsync(user.Id, ct) is { } cartId
            ? (await carts.GetAsync(cartId, ct)).Lines.Select(l => new { l.Sku, l.Quantity }).ToList<object>()
            : [];
        var alerts = await stockAlerts.ForUserAsync(user.Id, ct);
        var kept = await saved.ForUserAsync(user.Id, ct);
        var written = await reviews.ForUserAsync(user.Id, ct);
        var history = await searchSignals.HistoryAsync(Visitor.OfUser(user.Id), ct);
        return JsonSerializer.SerializeToUtf8Bytes(new
        {
            ExportedAt = clock.GetUtcNow(),
            Account = new { user.Email, EmailConfirmed = user.EmailConfirmed, Name = user.DisplayName },
            Orders = placed,
            Cart = cartLines,
            StockAlerts = alerts.Select(a => new { a.Sku, AskedAt = a.CreatedAt }),
            SavedForLater = kept.Select(s => new { s.Sku, s.SavedAt }),
            Reviews = written,
            SearchHistory = history.Select(h => new { h.Kind, h.Name, h.Weight }),
        }, Json);
    }
}
