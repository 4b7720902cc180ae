using Storefront.FlashSale.Contracts;

namespace Storefront.FlashSale.Sales;

internal sealed class Sale
{
    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public string Sku { get; set; } = "";
    public int Units { get; set; }
    public decimal Price { get; set; }
    public string Currency { get; set; } = "";
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public int LimitPerCustomer { get; set; }
    public int AdmissionPerMinute { get; set; }
    public TimeSpan PurchaseWindow { get; set; }
    public bool GuestsAllowed { get; set; }
    public SaleStatus Status { get; set; }

    /// <summary>
    /// Units taken out of normal stock for this sale when it was armed: the PostgreSQL side of the
    /// quota, which every order of the sale will commit against whatever happens to Redis.
    /// </summary>
    public int QuotaHeld { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ArmedAt { get; set; }

    public void MarkArmed(DateTimeOffset now)
    {
        Status = SaleStatus.Armed;
        QuotaHeld = Units;
        ArmedAt = now;
    }
}
