namespace Storefront.Tests.Architecture;

/// <summary>
/// The one place that says which module may use which. Every project under <c>Modules/</c> has a row,
/// and a row lists exactly the projects that module's <c>.csproj</c> references: a new module, or a
/// new reference between modules, fails <see cref="ModuleMapTests"/> until it is written down here
/// (and, being a decision about the shape of the store, in docs/architecture.md).
/// </summary>
public static class ModuleMap
{
    /// <summary>Shared plumbing (outbox, module registration, Money, e-mail), not a module: it uses no module.</summary>
    public const string BuildingBlocks = "BuildingBlocks";

    public static readonly IReadOnlyDictionary<string, string[]> MayUse = new Dictionary<string, string[]>
    {
        [BuildingBlocks] = [],
        ["Inventory"] = [BuildingBlocks],
        // Listing prices follow Inventory's price and stock events.
        ["Catalog"] = [BuildingBlocks, "Inventory"],
        // Every cart line is a stock hold; the priced cart adds the catalog's titles and pictures.
        ["Cart"] = [BuildingBlocks, "Inventory", "Catalog"],
        // Prices, holds and titles of the cart being checked out.
        ["Checkout"] = [BuildingBlocks, "Inventory", "Cart", "Catalog"],
        // Indexes the catalog with prices and stock; counts purchases from placed orders.
        ["Search"] = [BuildingBlocks, "Catalog", "Inventory", "Checkout"],
        // A sale's units come out of Inventory's stock; products are named through the catalog.
        ["FlashSale"] = [BuildingBlocks, "Inventory", "Catalog", "Checkout"],
        // Co-purchases come from Checkout's order history (streamed through IOrderHistory).
        ["Recommendations"] = [BuildingBlocks, "Catalog", "Checkout"],
    };
}
