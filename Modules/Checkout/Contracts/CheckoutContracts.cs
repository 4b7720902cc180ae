using Storefront.BuildingBlocks.Events;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outcomes;

namespace Storefront.Checkout.Contracts;

/// <summary>A postal address. <see cref="Country"/> is an ISO 3166-1 alpha-2 code; <see cref="Region"/> a state or province code.</summary>
public sealed record Address(string Name, string Line1, string? Line2, string City, string Region, string PostalCode, string Country);

/// <summary>
/// Everything a shopper submits to place an order. <see cref="CheckoutId"/> is made when the review
/// page is shown and is the idempotency key of the whole checkout and of the payment.
/// </summary>
public sealed record CheckoutRequest(
    Guid CheckoutId,
    Guid CartId,
    string? UserId,
    string Email,
    Address ShippingAddress,
    string ShippingMethod,
    string PaymentMethod,
    decimal? ExpectedTotal = null,
    string? DiscountCode = null,
    string? DeliveryNote = null);

/// <summary>What a shopper may tell the carrier or the packer ("leave it with the neighbour at 5"): one short text.</summary>
public static class DeliveryNotes
{
    public const int MaxLength = 300;

    /// <summary>Trimmed, each run of line breaks, tabs and other control characters made one space; null when blank.</summary>
    public static string? Normalize(string? note)
    {
        if (string.IsNullOrWhiteSpace(note)) return null;
        var text = new System.Text.StringBuilder(note.Length);
        foreach (var c in note.Trim())
        {
            var blank = char.IsControl(c) || char.IsWhiteSpace(c);
            if (blank && (text.Length == 0 || text[^1] == ' ')) continue;
            text.Append(blank ? ' ' : c);
        }
        return text.ToString().TrimEnd();
    }
}

public enum CheckoutOutcome
{
    /// <summary>The order is placed.</summary>
    Completed,
    /// <summary>The checkout is being processed by another request (a double click or a second tab).</summary>
    InProgress,
    Invalid,
    CartEmpty,
    OutOfStock,
    /// <summary>Prices, tax or shipping differ from what the shopper was shown: nothing was charged.</summary>
    TotalChanged,
    PaymentDeclined,
    PaymentFailed,
    /// <summary>Something failed after the charge; the money was refunded and the stock released.</summary>
    Refunded,
}

/// <summary>
/// How a checkout ended: <see cref="Problem"/> says why it did not complete (for the host to word),
/// <see cref="FieldErrors"/> what is wrong with the form, by field.
/// </summary>
public sealed record CheckoutResult(CheckoutOutcome Outcome, string? OrderNumber, Problem? Problem, IReadOnlyDictionary<string, Problem>? FieldErrors = null)
{
    public bool Succeeded => Outcome == CheckoutOutcome.Completed;

    /// <summary>With <see cref="CheckoutOutcome.Invalid"/>: why the cart cannot be ordered, as its quote says.</summary>
    public IReadOnlyList<Problem> Problems { get; init; } = [];
}

public sealed record QuoteLine(string Sku, string Title, Money UnitPrice, int Quantity)
{
    public Money LineTotal => new(UnitPrice.Amount * Quantity, UnitPrice.Currency);
}

/// <summary>
/// What an order would cost now, computed on the server from current prices and rates: the goods
/// (<see cref="Subtotal"/>), less <see cref="Discount"/>, plus shipping and tax on the rest.
/// </summary>
public sealed record Quote(IReadOnlyList<QuoteLine> Lines, Money Subtotal, Money Shipping, Money Tax, Money Total, IReadOnlyList<Problem> Problems)
{
    /// <summary>What the discount code takes off the goods; null without a code (or with one that cannot be used).</summary>
    public Money? Discount { get; init; }

    /// <summary>The code asked for, normalized (<see cref="DiscountCodeText.Normalize"/>); null when none was.</summary>
    public string? DiscountCode { get; init; }

    /// <summary>Why the code asked for cannot be used; the order cannot be placed with it (it can without it).</summary>
    public Problem? DiscountProblem { get; init; }

    /// <summary>The parcel's weight: each product's "weight_kg", or Checkout:DefaultItemWeightKg when it has none.</summary>
    public decimal WeightKg { get; init; }

    /// <summary>The cart has no lines at all (lines that cannot be bought are <see cref="Problems"/>).</summary>
    public bool CartIsEmpty { get; init; }

    public bool CanOrder => Lines.Count > 0 && Problems.Count == 0;
}

/// <summary>A shipping method priced for an order; <see cref="FreeFrom"/> is the subtotal from which a flat-priced method is free.</summary>
public sealed record ShippingChoice(string Code, string Name, Money Price, Money? FreeFrom);

/// <summary>Checkout: quotes, shipping choices and the order-placing saga.</summary>
public interface ICheckout
{
    /// <summary>The shipping methods for an order of this subtotal and weight, with their prices.</summary>
    IReadOnlyList<ShippingChoice> ShippingChoices(Money subtotal, decimal weightKg);

    /// <summary>Lines, subtotal, shipping and tax of a cart; shipping and tax need an address and a method.</summary>
    Task<Quote> QuoteAsync(Guid cartId, Address? address, string? shippingMethod, CancellationToken cancellationToken);

    /// <summary>
    /// The same with a discount code (blank for none): its amount off, or why it cannot be used
    /// (<see cref="Quote.DiscountProblem"/>). Whether the code is left for this shopper (its limit,
    /// once per customer) is settled when the order is placed.
    /// </summary>
    Task<Quote> QuoteAsync(Guid cartId, Address? address, string? shippingMethod, string? discountCode, CancellationToken cancellationToken);

    /// <summary>Address problems by field (Name, Line1, City, Region, PostalCode, Country); empty when the address is fine.</summary>
    IReadOnlyDictionary<string, Problem> ValidateAddress(Address address);

    /// <summary>
    /// The problems by field (the address's, Email, ShippingMethod, PaymentMethod) of what a shopper
    /// gives to place an order, by the rules the saga applies; empty when they are fine.
    /// </summary>
    IReadOnlyDictionary<string, Problem> ValidateOrderDetails(Address address, string email, string shippingMethod, string paymentMethod);

    /// <summary>
    /// Places the order: validate cart and holds → price → charge → create order → commit stock →
    /// publish <see cref="OrderPlacedEvent"/>. The same checkout id twice gives one order and one charge.
    /// </summary>
    Task<CheckoutResult> PlaceOrderAsync(CheckoutRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Places an order for units another module already holds (<see cref="IReservedStock"/>), through
    /// the same saga without a cart: validate → price the given lines → charge → create order → commit
    /// the units through the source → publish <see cref="OrderPlacedEvent"/>. The same checkout id
    /// twice gives one order and one charge; a reference has at most one checkout that did not fail.
    /// </summary>
    Task<CheckoutResult> PlaceReservedOrderAsync(ReservedOrderRequest request, CancellationToken cancellationToken);

    /// <summary>How a checkout ended; null when it is unknown or has not ended yet.</summary>
    Task<CheckoutResult?> OutcomeAsync(Guid checkoutId, CancellationToken cancellationToken);
}

/// <summary>Published once an order is placed and its stock taken.</summary>
[IntegrationEvent("checkout.order-placed.v1")]
public sealed record OrderPlacedEvent(Guid OrderId, string OrderNumber, string? UserId, string Email,
    IReadOnlyList<OrderPlacedLine> Lines, decimal Total, string Currency, DateTimeOffset PlacedAt) : IIntegrationEvent
{
    string IIntegrationEvent.Subject => OrderId.ToString();
}

public sealed record OrderPlacedLine(string Sku, int Quantity, decimal UnitPrice);

public sealed class CheckoutOptions
{
    /// <summary>Shipping methods by code.</summary>
    public Dictionary<string, ShippingMethodOptions> Shipping { get; set; } = new()
    {
        ["standard"] = new() { Name = "Standard (3–5 days)", Flat = 4.99m, FreeFrom = 50m },
        ["express"] = new() { Name = "Express (next day)", Bands = [new() { UpTo = 100m, Price = 14.99m }, new() { UpTo = null, Price = 9.99m }] },
        ["parcel"] = new() { Name = "Parcel post (by weight)", WeightBands = [new() { UpTo = 2m, Price = 5.49m }, new() { UpTo = 10m, Price = 9.49m }, new() { UpTo = null, Price = 19.99m }] },
    };

    /// <summary>The weight counted for a product without a "weight_kg" attribute.</summary>
    public decimal DefaultItemWeightKg { get; set; } = 0.5m;

    /// <summary>Tax rates by "COUNTRY" or "COUNTRY-REGION" (the more precise wins), as fractions.</summary>
    public Dictionary<string, decimal> TaxRates { get; set; } = new()
    {
        ["US-CA"] = 0.0725m, ["US-NY"] = 0.04m, ["US-TX"] = 0.0625m, ["US-WA"] = 0.065m,
        ["DE"] = 0.19m, ["FR"] = 0.20m, ["GB"] = 0.20m, ["NL"] = 0.21m,
    };

    /// <summary>Countries the store ships to.</summary>
    public List<string> ShipsTo { get; set; } = ["US", "CA", "GB", "DE", "FR", "NL"];

    /// <summary>The payment provider: "test" (the built-in test gateway) or "stripe".</summary>
    public string Gateway { get; set; } = "test";

    /// <summary>What the browser needs from Stripe's settings.</summary>
    public StripePublicOptions Stripe { get; set; } = new();

    /// <summary>A checkout untouched for this long mid-way is finished or compensated by the recovery job.</summary>
    public TimeSpan RecoverAfter { get; set; } = TimeSpan.FromMinutes(2);
}

public sealed class StripePublicOptions
{
    /// <summary>The publishable key (pk_…) Stripe.js uses to turn card details into a PaymentMethod in the browser.</summary>
    public string PublishableKey { get; set; } = "";
}

public sealed class ShippingMethodOptions
{
    public string Name { get; set; } = "";
    /// <summary>A flat price…</summary>
    public decimal? Flat { get; set; }
    /// <summary>…free from this subtotal on…</summary>
    public decimal? FreeFrom { get; set; }
    /// <summary>…or prices by subtotal band (the first band whose UpTo is above the subtotal; null = no limit)…</summary>
    public List<PriceBand> Bands { get; set; } = [];
    /// <summary>…or prices by weight band in kilograms (the first band whose UpTo is at or above the weight).</summary>
    public List<PriceBand> WeightBands { get; set; } = [];
}

public sealed class PriceBand
{
    public decimal? UpTo { get; set; }
    public decimal Price { get; set; }
}
