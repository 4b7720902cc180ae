using Microsoft.AspNetCore.Identity;
using Storefront.Cart.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Search.Contracts;
using Storefront.Web.Shopping;

namespace Storefront.Web.Identity;

/// <summary>How a deletion ended: <see cref="Deleted"/> with the number of orders that left the account, or left as it was.</summary>
public enum AccountDeletionOutcome { Deleted, Unavailable, Failed }

public sealed record AccountDeletionResult(AccountDeletionOutcome Outcome, int OrdersKept = 0);

/// <summary>
/// Deletes a shopper's account, asked by the shopper (account page) or by a merchant for them (a
/// request that came by mail): first what the modules keep of it (the cart, its holds given back;
/// the search history; its stock alerts; its reviews stay, under the name they show, but no longer
/// belong to it; the orders leave the account and stay with the store's books as guest
/// orders), then the account itself. Each step can be done again, so a failed attempt, or two at
/// once, end the same way: one deleted account. Merchants' accounts are the callers' to refuse.
/// </summary>
public sealed partial class AccountDeletion(UserManager<StoreUser> users, ICarts carts, IOrders orders, ISearchSignals searchSignals,
    Inventory.Contracts.IStockAlerts stockAlerts, Catalog.Contracts.IProductReviews reviews, ISavedProducts saved, ILogger<AccountDeletion> logger)
{
    /// <param name="browserVisitor">The deleting browser's own visitor key (the shopper's, not a merchant's), whose history goes too.</param>
    public async Task<AccountDeletionResult> DeleteAsync(StoreUser user, string? browserVisitor, CancellationToken ct)
    {
        try
        {
            await carts.ForgetUserAsync(user.Id, ct);
            await searchSignals.ForgetAsync(Visitor.OfUser(user.Id), ct);
            if (browserVisitor is not null) await searchSignals.ForgetAsync(browserVisitor, ct);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or InvalidOperationException)
        {
            LogNotDeleted(user.Id, ex.Message);
            return new(AccountDeletionOutcome.Unavailable);
        }
        await stockAlerts.ForgetUserAsync(user.Id, ct);
        await saved.ForgetUserAsync(user.Id, ct);
        await reviews.ForgetUserAsync(user.Id, ct);
        var detached = await orders.DetachAllAsync(user.Id, ct);
        var deleted = await users.DeleteAsync(user);
        // Two requests at once: the other one deleted it first.
        if (!deleted.Succeeded && await users.FindByIdAsync(user.Id) is not null)
        {
            LogNotDeleted(user.Id, string.Join("; ", deleted.Errors.Select(e => e.Code)));
            // The account stays: its orders come back to it, as confirming its address would bring them.
            if (user.EmailConfirmed && !string.IsNullOrEmpty(user.Email)) await orders.ClaimAllAsync(user.Id, user.Email, ct);
            return new(AccountDeletionOutcome.Failed);
        }
        LogDeleted(user.Id, detached);
        return new(AccountDeletionOutcome.Deleted, detached);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {UserId} was not deleted: {Reason}")]
    private partial void LogNotDeleted(string userId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {UserId} was deleted; {Orders} orders left it as guest orders")]
    private partial void LogDeleted(string userId, int orders);
}
