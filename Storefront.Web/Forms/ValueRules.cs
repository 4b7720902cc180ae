using System.Globalization;
using FluentValidation;
using Storefront.Inventory.Contracts;

namespace Storefront.Web.Forms;

/// <summary>
/// One rule for each kind of number people type into the store's forms, so a price, a quantity or a
/// stock level is accepted (and refused with the same words) on every page that asks for one. Each
/// rule stops at its first failure: one clear message beside the field. The bounds are the ones the
/// modules keep (<see cref="StockLimits"/>), so a value a form accepts is never refused later for range.
/// Fields are strings so "abc" reaches the rule and gets its message instead of a model-binding error.
/// </summary>
public static class ValueRules
{
    /// <summary>The most a shopper can ask for in one form; the cart's own per-line limit is lower and says so.</summary>
    public const int MaxQuantity = 10_000;

    private static readonly string MaxPriceText = StockLimits.MaxPrice.ToString("#,##0.00", CultureInfo.InvariantCulture);
    private static readonly string MaxOnHandText = StockLimits.MaxOnHand.ToString("#,##0", CultureInfo.InvariantCulture);

    /// <summary>A price or other amount of money: 0 or more, at most two decimals, at most <see cref="StockLimits.MaxPrice"/>.</summary>
    public static IRuleBuilderOptions<T, string?> Price<T>(this IRuleBuilderInitial<T, string?> rule) => rule
        .Cascade(CascadeMode.Stop)
        .NotEmpty().WithMessage("Enter a price such as 19.99.")
        .Must(v => FormNumbers.TryAmount(v, out _)).WithMessage("Enter the price as a number such as 19.99.")
        .Must(v => FormNumbers.Amount(v) >= 0).WithMessage("A price cannot be negative.")
        .Must(v => FormNumbers.Amount(v) is { } a && decimal.Round(a, 2) == a).WithMessage("A price has at most two decimals, such as 19.99.")
        .Must(v => FormNumbers.Amount(v) <= StockLimits.MaxPrice).WithMessage($"A price is at most {MaxPriceText}.");

    /// <summary>How many of a product a shopper wants: a whole number from <paramref name="min"/> to <see cref="MaxQuantity"/>.</summary>
    public static IRuleBuilderOptions<T, string?> Quantity<T>(this IRuleBuilderInitial<T, string?> rule, int min = 1) => rule
        .Cascade(CascadeMode.Stop)
        .Must(v => FormNumbers.TryWhole(v, out var n) && n >= min).WithMessage($"Enter a whole number of {min} or more as the quantity.")
        .Must(v => FormNumbers.TryWhole(v, out var n) && n <= MaxQuantity).WithMessage($"Enter a quantity of at most {MaxQuantity:#,##0}.");

    /// <summary>Units on hand: a whole number from 0 to <see cref="StockLimits.MaxOnHand"/>.</summary>
    public static IRuleBuilderOptions<T, string?> StockLevel<T>(this IRuleBuilderInitial<T, string?> rule) => rule
        .Cascade(CascadeMode.Stop)
        .NotEmpty().WithMessage("Enter the units on hand, such as 12.")
        .Must(v => FormNumbers.TryWhole(v, out _)).WithMessage("Enter the units on hand as a whole number, such as 12.")
        .Must(v => FormNumbers.TryWhole(v, out var n) && n is >= 0 and <= StockLimits.MaxOnHand)
        .WithMessage($"Stock must be a whole number between 0 and {MaxOnHandText}.");

    /// <summary>Units added to (or, negative, removed from) stock: a whole number other than 0, at most <see cref="StockLimits.MaxOnHand"/> either way.</summary>
    public static IRuleBuilderOptions<T, string?> StockChange<T>(this IRuleBuilderInitial<T, string?> rule) => rule
        .Cascade(CascadeMode.Stop)
        .Must(v => FormNumbers.TryWhole(v, out var n) && n != 0).WithMessage("Enter a whole number of units, such as 12 or -3.")
        .Must(v => FormNumbers.TryWhole(v, out var n) && Math.Abs(n) <= StockLimits.MaxOnHand)
        .WithMessage($"Adjust by at most {MaxOnHandText} units.");

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, such as a count of units or minutes.</summary>
    public static IRuleBuilderOptions<T, string?> WholeNumber<T>(this IRuleBuilderInitial<T, string?> rule, int min, int max, string what) => rule
        .Cascade(CascadeMode.Stop)
        .Must(v => FormNumbers.TryWhole(v, out _)).WithMessage($"Enter a whole number for the {what}.")
        .Must(v => FormNumbers.TryWhole(v, out var n) && n >= min && n <= max)
        .WithMessage($"The {what} must be from {min.ToString("#,##0", CultureInfo.InvariantCulture)} to {max.ToString("#,##0", CultureInfo.InvariantCulture)}.");

    /// <summary>A date and time in UTC (<see cref="FormTimes"/>).</summary>
    public static IRuleBuilderOptions<T, string?> UtcTime<T>(this IRuleBuilderInitial<T, string?> rule) => rule
        .Must(v => FormTimes.TryUtc(v, out _)).WithMessage("Enter a date and time (UTC) such as 2026-12-01 12:00.");
}
