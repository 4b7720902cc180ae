using Microsoft.Extensions.DependencyInjection;
using Storefront.Inventory.Contracts;

namespace Storefront.Inventory.Jobs;

/// <summary>Hangfire job "inventory:release-expired": returns expired holds to available stock.</summary>
public sealed class ReleaseExpiredHoldsJob(IServiceScopeFactory scopes)
{
    public const string Id = "inventory:release-expired";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IStockReservations>().ReleaseExpiredAsync(cancellationToken);
    }
}
