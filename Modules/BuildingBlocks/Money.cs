using System.Globalization;

namespace Storefront.BuildingBlocks;

/// <summary>An amount of money in one currency (ISO 4217 code).</summary>
public readonly record struct Money(decimal Amount, string Currency)
{
    public override string ToString() => Currency switch
    {
        "USD" => Amount.ToString("$#,##0.00", CultureInfo.InvariantCulture),
        "EUR" => Amount.ToString("€#,##0.00", CultureInfo.InvariantCulture),
        "GBP" => Amount.ToString("£#,##0.00", CultureInfo.InvariantCulture),
        _ => $"{Amount.ToString("#,##0.00", CultureInfo.InvariantCulture)} {Currency}",
    };
}
