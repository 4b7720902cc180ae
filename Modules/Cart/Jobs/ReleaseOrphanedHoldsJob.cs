using Microsoft.Extensions.DependencyInjection;
using Storefront.Cart.Contracts;
using Storefront.Inventory.Contracts;

namespace Storefront.Cart.Jobs;

/// <summary>
/// Hangfire job "cart:release-orphaned-holds": gives back the stock holds of carts that are gone or
/// have expired, and of lines a cart no longer has. Holds run out by themselves
/// (<c>Inventory:Holds:HoldDuration</c>), but until then such stock is held for nobody; with a
/// long hold duration that can be days. A cart read again settles its own holds when Redis lost it;
/// this job covers the carts nobody opens again.
/// </summary>
public sealed class ReleaseOrphanedHoldsJob(IServiceScopeFactory scopes)
{
    public const string Id = "cart:release-orphaned-holds";

    private const int PageSize = 500;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var released = 0;
        string? after = null;
        while (true)
        {
            IReadOnlyList<string> holders;
            using (var scope = scopes.CreateScope())
                holders = await scope.ServiceProvider.GetRequiredService<IStockReservations>()
                    .HoldersAsync(CartHolds.Prefix, after, PageSize, cancellationToken);
            foreach (var holder in holders)
            {
                if (CartHolds.CartOf(holder) is not { } cartId) continue;
                // A scope per cart: a long pass must not grow one DbContext's change tracker.
                using var scope = scopes.CreateScope();
                released += await scope.ServiceProvider.GetRequiredService<CartService>().ReleaseOrphanedHoldsAsync(cartId, cancellationToken);
            }
            if (holders.Count < PageSize) return released;
            after = holders[^1];
        }
    }
}
