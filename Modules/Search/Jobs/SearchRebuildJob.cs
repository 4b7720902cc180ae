using Microsoft.Extensions.DependencyInjection;
using Storefront.Search.Contracts;

namespace Storefront.Search.Jobs;

/// <summary>Hangfire job "search:rebuild": a full index rebuild, queued by <see cref="ISearchIndexAdmin.StartRebuildAsync"/>.</summary>
public sealed class SearchRebuildJob(IServiceScopeFactory scopes)
{
    public const string Id = "search:rebuild";

    public async Task<long> RunAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ISearchIndexAdmin>().RebuildAsync(cancellationToken);
    }
}
