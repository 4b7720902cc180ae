namespace Storefront.Inventory.Contracts;

/// <summary>
/// The largest price and on-hand count Inventory keeps (the price column is numeric(12,2)). Forms
/// check against these, so a merchant is told the same bound the store enforces.
/// </summary>
public static class StockLimits
{
    public const decimal MaxPrice = 9_999_999_999.99m;
    public const int MaxOnHand = 1_000_000_000;
}
