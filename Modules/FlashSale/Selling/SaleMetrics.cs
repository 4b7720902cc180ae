using System.Diagnostics.Metrics;
using Storefront.BuildingBlocks;
using Storefront.FlashSale.Contracts;

namespace Storefront.FlashSale.Selling;

/// <summary>A sale's crowd in numbers: joins to the line and purchase attempts, by how they ended.</summary>
internal static class SaleMetrics
{
    private static readonly Meter Meter = new("Storefront.FlashSale");

    private static readonly Counter<long> Joins = Meter.CreateCounter<long>("storefront.sale.joins", "{request}",
        "Requests to join a sale's line, by outcome (joined, already_joined, sold_out, busy, ...).");

    private static readonly Counter<long> Purchases = Meter.CreateCounter<long>("storefront.sale.purchases", "{request}",
        "Purchase attempts of admitted shoppers, by outcome (confirmed, sold_out, not_admitted, busy, ...).");

    public static void Joined(JoinOutcome outcome) => Joins.Add(1, new KeyValuePair<string, object?>("outcome", MetricLabels.Of(outcome)));

    public static void Purchased(PurchaseOutcome outcome) => Purchases.Add(1, new KeyValuePair<string, object?>("outcome", MetricLabels.Of(outcome)));
}
