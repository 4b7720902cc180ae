namespace Storefront.Checkout.Contracts;

/// <summary>An order's invoice: its number, from an unbroken sequence per year, and when it was issued.</summary>
public sealed record InvoiceView(string Number, DateTimeOffset IssuedAt);

/// <summary>
/// Every placed order gets an invoice number once, from a sequence per calendar year (of the order's
/// placing, UTC) with no gaps and no repeats, however often or concurrently the order's event is
/// delivered.
/// </summary>
public interface IInvoices
{
    /// <summary>The order's invoice; null until it is issued (a moment after the order is placed).</summary>
    Task<InvoiceView?> ForOrderAsync(Guid orderId, CancellationToken cancellationToken);

    /// <summary>
    /// The order's invoice, numbered now if it has none yet (an order placed before invoices were
    /// numbered, or whose event is still on its way). The caller has read the order.
    /// </summary>
    Task<InvoiceView> IssueAsync(Guid orderId, DateTimeOffset placedAt, CancellationToken cancellationToken);
}

/// <summary>What invoices say of the seller (<c>Checkout:Invoices:*</c>).</summary>
public sealed class InvoiceOptions
{
    /// <summary>Put before the year and the sequence: "INV-" makes INV-2026-000042.</summary>
    public string Prefix { get; set; } = "INV-";

    /// <summary>The seller's legal name; the store's name when empty.</summary>
    public string SellerName { get; set; } = "";

    /// <summary>The seller's address, a line each.</summary>
    public List<string> SellerAddress { get; set; } = [];

    /// <summary>The seller's tax or VAT registration number, shown when set.</summary>
    public string TaxId { get; set; } = "";

    /// <summary>A last line (payment terms, a registration court), shown when set.</summary>
    public string Footer { get; set; } = "";
}
