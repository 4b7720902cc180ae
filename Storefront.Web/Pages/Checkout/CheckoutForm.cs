using System.ComponentModel.DataAnnotations;
using Storefront.Checkout.Contracts;

namespace Storefront.Web.Pages.Checkout;

/// <summary>The shopper's details, carried from the address step to the review step and checked again there.</summary>
public sealed record CheckoutForm
{
    [StringLength(256)] public string Email { get; set; } = "";
    [StringLength(100)] public string Name { get; set; } = "";
    [StringLength(200)] public string Line1 { get; set; } = "";
    [StringLength(200)] public string? Line2 { get; set; }
    [StringLength(100)] public string City { get; set; } = "";
    [StringLength(10)] public string Region { get; set; } = "";
    [StringLength(12)] public string PostalCode { get; set; } = "";
    [StringLength(2)] public string Country { get; set; } = "US";
    [StringLength(40)] public string ShippingMethod { get; set; } = "standard";
    /// <summary>A discount code, or blank; longer than any code is refused as no code of the store.</summary>
    [StringLength(64)] public string? DiscountCode { get; set; }
    /// <summary>Delivery instructions for the carrier or the packer, or blank.</summary>
    [StringLength(DeliveryNotes.MaxLength, ErrorMessage = "Keep the delivery instructions to 300 characters at most.")] public string? DeliveryNote { get; set; }

    /// <summary>The address, trimmed; blank answers (which arrive as null) become empty strings.</summary>
    public Address ToAddress() => new((Name ?? "").Trim(), (Line1 ?? "").Trim(), string.IsNullOrWhiteSpace(Line2) ? null : Line2.Trim(),
        (City ?? "").Trim(), (Region ?? "").Trim().ToUpperInvariant(), (PostalCode ?? "").Trim(), (Country ?? "").Trim().ToUpperInvariant());
}
