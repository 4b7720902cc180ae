using System.Globalization;
using Elasticsearch.Net;
using Nest;
using Storefront.Search.Contracts;

namespace Storefront.Search.Elasticsearch;

public sealed class ElasticsearchOptions
{
    /// <summary>The cluster, e.g. http://elasticsearch:9200 (several nodes: separate with commas).</summary>
    public string? Url { get; set; }

    /// <summary>The alias searches use; each build is a concrete index named after it with a time stamp.</summary>
    public string Index { get; set; } = "storefront-products";

    public string? Username { get; set; }

    public string? Password { get; set; }
}

/// <summary>
/// The Elasticsearch side of index upkeep. Searches go to an alias; a rebuild creates a new index
/// beside the live one (changes meanwhile go to both), then moves the alias in one atomic
/// _aliases call and deletes the old index. Writes go to the concrete live index, never to the
/// alias name, so a cluster without the index is never given one with a guessed mapping.
/// </summary>
internal sealed class ElasticsearchIndexes : ISearchIndexes, IDisposable
{
    private readonly IElasticClient _client;
    private readonly string _alias;
    private readonly ElasticsearchEngine _search;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ElasticsearchEngine? _live;
    private ElasticsearchEngine? _building;

    public ElasticsearchIndexes(IElasticClient client, string alias)
    {
        _client = client;
        _alias = alias;
        _search = new ElasticsearchEngine(client, alias);
    }

    public static IElasticClient Connect(ElasticsearchOptions options)
    {
        var nodes = (options.Url ?? throw new InvalidOperationException("Search:Elasticsearch:Url is not configured."))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new Uri(u)).ToArray();
        IConnectionPool pool = nodes.Length == 1 ? new SingleNodeConnectionPool(nodes[0]) : new StaticConnectionPool(nodes);
        var settings = new ConnectionSettings(pool).DefaultIndex(options.Index).RequestTimeout(TimeSpan.FromSeconds(30));
        if (options.Username is not null) settings = settings.BasicAuthentication(options.Username, options.Password);
        return new ElasticClient(settings);
    }

    public string EngineName => "Elasticsearch";

    public string Location => $"{string.Join(", ", _client.ConnectionSettings.ConnectionPool.Nodes.Select(n => n.Uri))} alias {_alias}";

    public DateTimeOffset? LastChangeAt { get; private set; }

    public DateTimeOffset? RebuildingSince { get; private set; }

    /// <summary>The concrete index behind the alias, or null when there is none yet.</summary>
    private async Task<ElasticsearchEngine?> LiveAsync(bool refresh, CancellationToken ct)
    {
        if (_live is not null && !refresh) return _live;
        var response = await _client.Indices.GetAliasAsync(Indices.All, a => a.Name(_alias), ct);
        if (response.ApiCall?.HttpStatusCode == 404) return _live = null;
        ElasticsearchEngine.Check(response, $"reading alias {_alias}");
        var name = response.Indices.Keys.Select(i => i.Name).OrderBy(n => n, StringComparer.Ordinal).LastOrDefault();
        return _live = name is null ? null : new ElasticsearchEngine(_client, name);
    }

    public async Task<bool> IsCurrentAsync(CancellationToken ct)
    {
        var live = await LiveAsync(refresh: true, ct);
        if (live is null) return false;
        var mapping = await _client.Indices.GetMappingAsync<EsProduct>(m => m.Index(live.Index), ct);
        ElasticsearchEngine.Check(mapping, $"reading the mapping of {live.Index}");
        return mapping.Indices.TryGetValue(live.Index, out var index)
            && index.Mappings?.Meta is { } meta && meta.TryGetValue("format", out var format)
            && Convert.ToString(format, CultureInfo.InvariantCulture) == SearchIndexFormat.Version;
    }

    public async Task IndexAsync(IReadOnlyList<SearchDocument> documents, CancellationToken ct) =>
        await WriteAsync(engine => engine.IndexAsync(documents, ct), ct);

    public async Task DeleteAsync(IReadOnlyList<Guid> productIds, CancellationToken ct) =>
        await WriteAsync(engine => engine.DeleteAsync(productIds, ct), ct);

    private async Task WriteAsync(Func<ElasticsearchEngine, Task> write, CancellationToken ct)
    {
        var live = await LiveAsync(refresh: false, ct);
        if (live is not null)
        {
            try
            {
                await write(live);
            }
            catch (SearchEngineException)
            {
                // Another instance may have swapped in a new index since this one last looked.
                if (await LiveAsync(refresh: true, ct) is not { } moved || moved.Index == live.Index) throw;
                await write(moved);
            }
        }
        if (_building is { } building) await write(building);
        LastChangeAt = DateTimeOffset.UtcNow;
    }

    public Task<SearchResult> SearchAsync(Contracts.SearchRequest request, CancellationToken ct) => _search.SearchAsync(request, ct);

    public Task<IReadOnlyList<SearchHit>> SuggestAsync(string prefix, int take, CancellationToken ct) => _search.SuggestAsync(prefix, take, ct);

    public Task<long> CountAsync(CancellationToken ct) => _search.CountAsync(ct);

    public async Task<ISearchEngine?> BeginRebuildAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_building is not null) return null;
            var name = $"{_alias}-{DateTimeOffset.UtcNow:yyyyMMddHHmmssfff}";
            await ElasticsearchEngine.CreateIndexAsync(_client, name, ct);
            _building = new ElasticsearchEngine(_client, name);
            RebuildingSince = DateTimeOffset.UtcNow;
            return _building;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task EndRebuildAsync(bool succeeded, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_building is not { } building) return;
            if (!succeeded)
            {
                await _client.Indices.DeleteAsync(building.Index, ct: ct);
                return;
            }
            var old = await LiveAsync(refresh: true, ct);
            var swap = await _client.Indices.BulkAliasAsync(a =>
            {
                if (old is not null) a = a.Remove(r => r.Index(old.Index).Alias(_alias));
                return a.Add(add => add.Index(building.Index).Alias(_alias));
            }, ct);
            ElasticsearchEngine.Check(swap, $"moving alias {_alias} to {building.Index}");
            _live = building;
            if (old is not null) ElasticsearchEngine.Check(await _client.Indices.DeleteAsync(old.Index, ct: ct), $"deleting {old.Index}");
        }
        finally
        {
            (_building, RebuildingSince) = (null, null);
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
