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

    /// <summary>Orders committed against <see cref="QuotaHeld"/>: never more than it (a check constraint).</summary>
    public int Sold { get; set; }

    /// <summary>Admissions stopped by the merchant.</summary>
    public bool Paused { get; set; }

    /// <summary>Units given back to normal stock after the sale.</summary>
    public int Returned { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ArmedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Over: ended by the merchant or past its end.</summary>
    public bool IsOver(DateTimeOffset now) => Status == SaleStatus.Ended || now >= EndsAt;

    public void MarkArmed(DateTimeOffset now)
    {
        Status = SaleStatus.Armed;
        QuotaHeld = Units;
        ArmedAt = now;
    }
}
