namespace Storefront.FlashSale.Contracts;

/// <summary>Settings under <c>FlashSale</c>.</summary>
public sealed class FlashSaleOptions
{
    /// <summary>
    /// The key that signs waiting-room passes (base64, at least 32 bytes), the same on every instance.
    /// When empty the store makes one on first use and keeps it in PostgreSQL.
    /// </summary>
    public string PassKey { get; set; } = "";

    /// <summary>How long before a sale's start shoppers may join its pre-queue (whose order is drawn at the start).</summary>
    public TimeSpan PreQueueOpensBefore { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often each instance runs a live sale's admission step.</summary>
    public TimeSpan AdmitInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a sale's details and counts are answered from memory before being read again.</summary>
    public TimeSpan ViewRefresh { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A claim whose purchase never reached PostgreSQL (the process died in between) gives its unit
    /// back after this long; a purchase whose order job has not finished is run again after it.
    /// </summary>
    public TimeSpan ClaimRecoveryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many orders of one sale each order-making job makes at once. Purchases are turned into
    /// orders by one Hangfire job per sale and burst (not one job per purchase), which takes its
    /// purchases from PostgreSQL in order.
    /// </summary>
    public int OrderMakers { get; set; } = 2;

    /// <summary>The shipping method of sale orders (one of <c>Checkout:Shipping</c>).</summary>
    public string ShippingMethod { get; set; } = "standard";
}
