using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Storefront.Search.Contracts;
using Storefront.Tests.Fixtures;

namespace Storefront.Tests.Search;

public sealed class SearchJobsFixture : StoreFixture;

/// <summary>The Search module owns its jobs: a rebuild is asked of its contract, which queues its own job.</summary>
public sealed class SearchJobsTests(SearchJobsFixture store) : IClassFixture<SearchJobsFixture>
{
    [Fact]
    public async Task Starting_a_rebuild_queues_the_modules_own_rebuild_job()
    {
        using var scope = store.Services.CreateScope();
        // The store builds its empty index at start; the rebuild asked for here comes after that one.
        var indexes = scope.ServiceProvider.GetRequiredService<ISearchIndexes>();
        for (var i = 0; i < 500 && indexes.RebuildingSince is not null; i++) await Task.Delay(20);
        Assert.Equal(RebuildStart.Started, await scope.ServiceProvider.GetRequiredService<ISearchIndexAdmin>().StartRebuildAsync(default));

        await using var connection = new NpgsqlConnection(store.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%Storefront.Search.Jobs.SearchRebuildJob%'", connection);
        Assert.Equal(1L, (long)(await command.ExecuteScalarAsync())!);
    }
}
