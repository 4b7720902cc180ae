using Storefront.Search.Contracts;
using Storefront.Search.Elasticsearch;
using Storefront.Search.Lucene;

namespace Storefront.Tests.Search;

/// <summary>A fresh, empty index in one engine, removed afterwards.</summary>
public sealed class EngineUnderTest(ISearchEngine engine, Func<Task> cleanUp) : IAsyncDisposable
{
    public ISearchEngine Engine => engine;

    public async ValueTask DisposeAsync() => await cleanUp();
}

/// <summary>
/// The engines the shared behaviour suite runs against: Lucene.Net always; Elasticsearch only when
/// the environment variable STOREFRONT_TEST_ELASTICSEARCH_URL names a real cluster (no server can be
/// installed on the build machines; the NEST code is otherwise tested at the HTTP level against
/// <see cref="Fixtures.ElasticsearchStandIn"/>).
/// </summary>
public static class SearchEngines
{
    /// <summary>Product n of the small fixed test catalogs (id, SKU-n, p-n, ten reviews, created on day n of 2026).</summary>
    public static SearchDocument Doc(int n, string title, string brand, string[] categories, decimal price, decimal rating, int available,
        double popularity = 0, string description = "") =>
        new(Id(n), $"SKU-{n}", $"p-{n}", title, description, brand, categories, price, "USD", rating, 10, available, popularity,
            new DateTimeOffset(2026, 1, n, 0, 0, 0, TimeSpan.Zero)) { CategoryNames = categories };

    public static Guid Id(int n) => new($"00000000-0000-0000-0000-{n:D12}");

    public static readonly string[] Headphones = ["electronics", "audio", "headphones"];

    public const string ClusterVariable = "STOREFRONT_TEST_ELASTICSEARCH_URL";

    private static string? Cluster => Environment.GetEnvironmentVariable(ClusterVariable) is { Length: > 0 } url ? url : null;

    private static string[] Available => Cluster is null ? ["lucene"] : ["lucene", "elasticsearch"];

    public static TheoryData<string> Names => new(Available);

    /// <summary>Every engine paired with every value.</summary>
    public static TheoryData<string, string> Each(params string[] values)
    {
        var data = new TheoryData<string, string>();
        foreach (var engine in Available)
            foreach (var value in values) data.Add(engine, value);
        return data;
    }

    public static async Task<EngineUnderTest> OpenAsync(string name)
    {
        if (name == "lucene")
        {
            var path = Path.Combine(Path.GetTempPath(), "sf-lucene-" + Guid.NewGuid().ToString("N")[..8]);
            var lucene = new LuceneSearchEngine(path);
            return new EngineUnderTest(lucene, () =>
            {
                lucene.Dispose();
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                return Task.CompletedTask;
            });
        }
        var client = ElasticsearchIndexes.Connect(new ElasticsearchOptions { Url = Cluster });
        var index = "storefront-test-" + Guid.NewGuid().ToString("N")[..12];
        await ElasticsearchEngine.CreateIndexAsync(client, index, default);
        return new EngineUnderTest(new ElasticsearchEngine(client, index), async () => await client.Indices.DeleteAsync(index));
    }
}
