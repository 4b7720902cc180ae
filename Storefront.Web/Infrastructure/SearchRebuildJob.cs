using Storefront.Search.Contracts;

namespace Storefront.Web.Infrastructure;

/// <summary>Hangfire job: a full search index rebuild, started from the admin page.</summary>
public sealed class SearchRebuildJob(IServiceScopeFactory scopes)
{
    public async Task<long> RunAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ISearchIndexAdmin>().RebuildAsync(cancellationToken);
    }
}
