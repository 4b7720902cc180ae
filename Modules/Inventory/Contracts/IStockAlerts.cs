namespace Storefront.Inventory.Contracts;

/// <summary>How asking for a stock alert ended.</summary>
public enum StockAlertOutcome
{
    /// <summary>The account will be told when the SKU can be bought again.</summary>
    Added,
    /// <summary>The account had asked already: nothing changed.</summary>
    AlreadyAdded,
    /// <summary>It can be bought now: no alert is kept.</summary>
    InStock,
    UnknownSku,
    /// <summary>The account waits for <see cref="StockAlertLimits.MaxPerAccount"/> SKUs already.</summary>
    TooMany,
}

public static class StockAlertLimits
{
    /// <summary>How many SKUs one account may wait for at once.</summary>
    public const int MaxPerAccount = 50;
}

/// <summary>An alert an account is waiting on.</summary>
public sealed record StockAlertView(Guid Id, string Sku, DateTimeOffset CreatedAt);

/// <summary>An alert whose SKU can be bought again: its account is to be told, then the alert completed.</summary>
public sealed record DueStockAlert(Guid Id, string Sku, string UserId);

/// <summary>
/// "Tell me when it is back": accounts waiting for a SKU that is out of stock. Alerts belong to
/// accounts (their confirmed address is where the news goes, read when it is sent); each is sent
/// once and then completed (deleted).
/// </summary>
public interface IStockAlerts
{
    /// <summary>
    /// Asks for the SKU. One alert per account and SKU, however often or however many at once ask; at
    /// most <see cref="StockAlertLimits.MaxPerAccount"/> per account. A SKU that can be bought, or
    /// became buyable while asking, keeps no alert.
    /// </summary>
    Task<StockAlertOutcome> AddAsync(string sku, string userId, CancellationToken cancellationToken);

    /// <summary>Removes one of the account's alerts; false when it has no such alert.</summary>
    Task<bool> RemoveAsync(Guid id, string userId, CancellationToken cancellationToken);

    /// <summary>The account's alerts, newest first.</summary>
    Task<IReadOnlyList<StockAlertView>> ForUserAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> alerts of the SKU, oldest first, if it can be bought now; none otherwise.</summary>
    Task<IReadOnlyList<DueStockAlert>> DueAsync(string sku, int max, CancellationToken cancellationToken);

    /// <summary>Ends an alert that was sent (or can no longer be); doing it again is harmless.</summary>
    Task CompleteAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Drops every alert of an account (it is being deleted); returns how many.</summary>
    Task<int> ForgetUserAsync(string userId, CancellationToken cancellationToken);
}
