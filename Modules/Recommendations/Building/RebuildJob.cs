using Microsoft.Extensions.DependencyInjection;
using Storefront.Recommendations.Contracts;

namespace Storefront.Recommendations.Building;

/// <summary>Hangfire job "recommendations:rebuild" (<c>Recommendations:RebuildCron</c>, nightly by default).</summary>
public sealed class RebuildJob(IServiceScopeFactory scopes)
{
    public const string Id = "recommendations:rebuild";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IRecommendationsAdmin>().RebuildAsync(cancellationToken);
    }
}
