using System.Globalization;
using Storefront.FlashSale.Contracts;

namespace Storefront.Web.Words;

/// <summary>What the sale pages and the status endpoint say about a shopper's place, in English.</summary>
public static class SaleWords
{
    public static string About(TimeSpan estimate) => estimate switch
    {
        { TotalSeconds: < 60 } => "less than a minute",
        { TotalMinutes: < 1.5 } => "about 1 minute",
        { TotalMinutes: < 60 } => $"about {Math.Round(estimate.TotalMinutes).ToString(CultureInfo.InvariantCulture)} minutes",
        _ => $"about {Math.Round(estimate.TotalHours, 1).ToString(CultureInfo.InvariantCulture)} hours",
    };

    public static string Place(PlaceInLine place) => place.State switch
    {
        ShopperState.PreQueue => "You are in the line. Places are drawn at random when the sale starts, so arriving early or late before then makes no difference.",
        ShopperState.Waiting => $"You are #{place.Position?.ToString("N0", CultureInfo.InvariantCulture)} in line · {About(place.Estimate ?? TimeSpan.Zero)}",
        ShopperState.WaitingList => $"All units left are reserved by shoppers buying now; you are #{place.Position?.ToString("N0", CultureInfo.InvariantCulture)} on the waiting list if one comes back.",
        ShopperState.Admitted => "It is your turn: you can buy now.",
        ShopperState.Bought => "You have bought as many as this sale allows one customer.",
        ShopperState.TimedOut => "Your time to buy ran out and the unit went to the next shopper. You can join the line again.",
        ShopperState.GaveUp => "You left the line. You can join it again.",
        ShopperState.SoldOut => "Sold out: every unit of this sale has been claimed.",
        ShopperState.Paused => $"The sale is paused for a moment; you keep your place (#{place.Position?.ToString("N0", CultureInfo.InvariantCulture)}).",
        ShopperState.Rebuilding => "The sale is catching its breath; you keep your place. This page tries again by itself.",
        ShopperState.Ended => "This sale is over.",
        _ => "",
    };

    /// <summary>The problem a refused pass is worded as (<see cref="OutcomeText"/>).</summary>
    public static string RefusalCode(PassRefusal refusal) => refusal switch
    {
        PassRefusal.Expired => FlashSaleProblems.PassExpired,
        PassRefusal.OtherCustomer => FlashSaleProblems.PassOfAnother,
        PassRefusal.OtherSale => FlashSaleProblems.PassOfAnotherSale,
        _ => FlashSaleProblems.PassForged,
    };

    public static string Phase(SalePhase phase) => phase switch
    {
        SalePhase.Upcoming => "Starts soon",
        SalePhase.Live => "On now",
        SalePhase.Paused => "Paused",
        SalePhase.Rebuilding => "Catching its breath",
        SalePhase.SoldOut => "Sold out",
        _ => "Over",
    };

    public static string State(ShopperState state) => state switch
    {
        ShopperState.PreQueue => "pre-queue",
        ShopperState.WaitingList => "waiting-list",
        ShopperState.TimedOut => "timed-out",
        ShopperState.GaveUp => "gave-up",
        ShopperState.SoldOut => "sold-out",
        _ => state.ToString().ToLowerInvariant(),
    };
}
