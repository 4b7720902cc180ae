using Lucene.Net.Analysis.Core;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Storefront.Search.Contracts;
using Storefront.Search.Lucene;

namespace Storefront.Tests.Search;

/// <summary>The Lucene index on disk: built, stamped with its format, swapped in, and found again after a restart.</summary>
public sealed class LuceneIndexTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sf-index-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (System.IO.Directory.Exists(_root)) System.IO.Directory.Delete(_root, recursive: true);
    }

    private static SearchDocument Doc(int n) => new(new Guid($"00000000-0000-0000-0000-{n:D12}"), $"SKU-{n}", $"p-{n}", $"Lantern {n}", "", "Acme",
        ["home"], 10m, "USD", 4m, 1, 1, 0, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task A_document_the_index_holds_as_it_is_is_not_written_again_and_a_changed_one_is_at_once()
    {
        string[] Commits() => System.IO.Directory.GetFiles(_root, "segments_*").Select(Path.GetFileName).Order().ToArray()!;
        using var engine = new LuceneSearchEngine(_root);
        await engine.IndexAsync([Doc(1), Doc(2)], default);
        var written = Commits();

        // The same documents again (a stock change of a well-stocked product, say): no write, no commit.
        await engine.IndexAsync([Doc(1), Doc(2)], default);
        Assert.Equal(written, Commits());

        // One changed among unchanged ones: written, and found as it is now.
        await engine.IndexAsync([Doc(1), Doc(2) with { Price = 12.5m, Available = 0 }], default);
        Assert.NotEqual(written, Commits());
        var hits = (await engine.SearchAsync(new SearchRequest("lantern"), default)).Hits;
        Assert.Equal([(10m, 1), (12.5m, 0)], hits.OrderBy(h => h.Sku).Select(h => (h.Price, h.Available)));
        Assert.Equal(2, await engine.CountAsync(default));

        // A document deleted and indexed again is written again.
        await engine.DeleteAsync([Doc(1).ProductId], default);
        await engine.IndexAsync([Doc(1)], default);
        Assert.Equal(2, await engine.CountAsync(default));
    }

    [Fact]
    public async Task A_rebuilt_index_skips_documents_it_holds_as_they_are_once_it_is_live()
    {
        string[] Commits(string path) => System.IO.Directory.GetFiles(path, "segments_*").Select(Path.GetFileName).Order().ToArray()!;
        using var index = new SwitchableIndex(_root);
        var building = await index.BeginRebuildAsync(default);
        await building!.IndexAsync([Doc(1), Doc(2)], default);
        await index.EndRebuildAsync(succeeded: true, default);
        var written = Commits(index.Location);
        await index.IndexAsync([Doc(1), Doc(2)], default);
        Assert.Equal(written, Commits(index.Location));
    }

    [Fact]
    public void The_indexer_records_availability_up_to_the_cap_so_a_sale_of_a_well_stocked_product_changes_no_document()
    {
        var source = new Storefront.Catalog.Contracts.SearchSource(Guid.NewGuid(), "SKU-1", "p-1", "Lantern", "", "Acme", ["home"], 10m, "USD",
            Available: 1_000_000, Rating: 4m, ReviewCount: 1, DateTimeOffset.UnixEpoch, Published: true);
        var many = Storefront.Search.SearchIndexer.ToDocument(source, 1.5);
        Assert.Equal(SearchDocument.AvailableCap, many.Available);
        Assert.Equal(LuceneSearchEngine.Fingerprint(many), LuceneSearchEngine.Fingerprint(Storefront.Search.SearchIndexer.ToDocument(source with { Available = 999_999 }, 1.5)));
        // Few units are recorded as they are ("only 3 left"), and out of stock stays out of stock.
        Assert.Equal(3, Storefront.Search.SearchIndexer.ToDocument(source with { Available = 3 }, 1.5).Available);
        Assert.Equal(0, Storefront.Search.SearchIndexer.ToDocument(source with { Available = 0 }, 1.5).Available);
    }

    [Fact]
    public async Task An_index_never_built_or_built_in_another_format_needs_a_rebuild_and_a_rebuilt_one_survives_a_restart()
    {
        using (var index = new SwitchableIndex(_root))
        {
            Assert.False(await index.IsCurrentAsync(default));
            await index.IndexAsync([Doc(1)], default); // a change before any build does not make it current
            Assert.False(await index.IsCurrentAsync(default));
            var building = await index.BeginRebuildAsync(default);
            await building!.IndexAsync([Doc(1), Doc(2)], default);
            await index.EndRebuildAsync(succeeded: true, default);
            Assert.True(await index.IsCurrentAsync(default));
            Assert.Equal(2, await index.CountAsync(default));
        }

        string live;
        using (var reopened = new SwitchableIndex(_root))
        {
            Assert.True(await reopened.IsCurrentAsync(default));
            Assert.Equal(2, await reopened.CountAsync(default));
            live = reopened.Location;
        }

        // An upgrade that changes the document layout raises the format; an index of the old one is rebuilt.
        using (var directory = FSDirectory.Open(live))
        using (var writer = new IndexWriter(directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, new KeywordAnalyzer())))
        {
            writer.SetCommitData(new Dictionary<string, string> { ["format"] = "0" });
            writer.Commit();
        }
        using var old = new SwitchableIndex(_root);
        Assert.False(await old.IsCurrentAsync(default));
        Assert.Equal(2, await old.CountAsync(default)); // still answering until the rebuild is swapped in
    }

    [Fact]
    public async Task Searches_and_changes_running_while_rebuilds_are_swapped_in_all_finish_on_an_open_index()
    {
        using var index = new SwitchableIndex(_root);
        var first = await index.BeginRebuildAsync(default);
        await first!.IndexAsync(Enumerable.Range(1, 200).Select(Doc).ToList(), default);
        await index.EndRebuildAsync(succeeded: true, default);

        // Four searchers and a writer run while ten rebuilds are built and swapped in (and one thrown away).
        using var stop = new CancellationTokenSource();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        async Task LoopAsync(Func<Task> work)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await work();
                }
                catch (Exception ex)
                {
                    failures.Enqueue(ex);
                }
            }
        }
        var n = 200;
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() => LoopAsync(async () =>
        {
            var found = await index.SearchAsync(new SearchRequest("lantern"), default);
            Assert.True(found.Total > 0);
            await index.SuggestAsync("lan", 5, default);
        }))).Append(Task.Run(() => LoopAsync(() => index.IndexAsync([Doc(Interlocked.Increment(ref n) % 400 + 1)], default)))).ToList();
        for (var i = 0; i < 11; i++)
        {
            var building = await index.BeginRebuildAsync(default);
            await building!.IndexAsync(Enumerable.Range(1, 200).Select(Doc).ToList(), default);
            await index.EndRebuildAsync(succeeded: i != 5, default);
        }
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.Empty(failures);
        Assert.True(await index.CountAsync(default) >= 200);
        // Only the live index is left on disk (and its pointer file).
        Assert.Single(System.IO.Directory.GetDirectories(_root));
    }

    [Fact]
    public void The_typo_automata_cache_keeps_within_its_entries_and_characters_dropping_the_least_recently_used()
    {
        var cache = new TypoAutomata(maxEntries: 3, maxCharacters: 20);
        cache.Add("alpha", 1, []);
        cache.Add("bravo", 1, []);
        cache.Add("charlie", 1, []);
        Assert.True(cache.TryGet("alpha", 1, out _)); // now the most recently used
        cache.Add("delta", 1, []); // a fourth entry: "bravo" goes
        Assert.Equal(3, cache.Count);
        Assert.False(cache.TryGet("bravo", 1, out _));
        cache.Add("echoechoecho", 2, []); // 12 characters: the oldest go until it fits in 20
        Assert.InRange(cache.Characters, 0, 20);
        Assert.True(cache.TryGet("echoechoecho", 2, out _));
        Assert.False(cache.TryGet("charlie", 1, out _));
        cache.Add(new string('x', 21), 2, []); // longer than the whole cache: not kept
        Assert.False(cache.TryGet(new string('x', 21), 2, out _));
        Assert.InRange(cache.Characters, 0, 20);
    }

    [Fact]
    public async Task Many_hostile_queries_leave_the_typo_automata_cache_within_its_bounds()
    {
        var cache = new TypoAutomata(maxEntries: 8, maxCharacters: 60);
        using var engine = new LuceneSearchEngine(Path.Combine(_root, "typos"), stampFormat: true, typos: cache);
        await engine.IndexAsync([Doc(1), Doc(2)], default);
        for (var i = 0; i < 50; i++)
        {
            var result = await engine.SearchAsync(new SearchRequest(SearchEngineBehaviourTests.SixteenUnknownLongWords(i)), default);
            Assert.Equal(QueryLimits.Default.MaxTypoWords, result.Work.TypoWords);
            Assert.InRange(cache.Count, 0, 8);
            Assert.InRange(cache.Characters, 0, 60);
        }
        // A word longer than MaxTypoWordLength is matched exactly: no automaton is built for it.
        var longWord = await engine.SearchAsync(new SearchRequest(new string('q', QueryLimits.Default.MaxTypoWordLength + 1)), default);
        Assert.Equal((1, 0), (longWord.Work.Words, longWord.Work.TypoWords));
        // A typo of a known word still finds it.
        Assert.Single((await engine.SearchAsync(new SearchRequest("lantren 1"), default)).Hits);
    }

    /// <summary>
    /// Price, stock, rating, brand and popularity are read from per-segment arrays; every update lands
    /// in a new segment and old ones are merged away, so a search after hundreds of single-product
    /// updates must still filter, count, sort and rank by the latest values only.
    /// </summary>
    [Fact]
    public async Task Filters_facets_sorts_and_ranking_follow_the_latest_values_through_hundreds_of_updates_and_merges()
    {
        using var engine = new LuceneSearchEngine(Path.Combine(_root, "updates"), stampFormat: true);
        var random = new Random(7);
        string[] brands = ["Acme", "Borealis", "Cobalt"];
        var current = new Dictionary<int, SearchDocument>();
        // Prices and popularity are distinct per product (n hundredths), so every expected order is exact.
        SearchDocument Changed(int n) => new(SearchEngines.Id(n), $"SKU-{n}", $"p-{n}", $"Lantern {n}", "", brands[random.Next(brands.Length)],
            ["home", "home-lighting"], random.Next(5, 90) + n / 100m, "USD", random.Next(1, 6), 3, random.Next(0, 3), random.Next(0, 50) + n / 100.0,
            DateTimeOffset.UnixEpoch.AddDays(n)) { CategoryNames = ["Home", "Lighting"] };
        for (var n = 1; n <= 40; n += 5)
        {
            var batch = Enumerable.Range(n, 5).Select(Changed).ToList();
            foreach (var d in batch) current[int.Parse(d.Sku[4..])] = d;
            await engine.IndexAsync(batch, default);
        }
        for (var i = 0; i < 300; i++)
        {
            var d = Changed(random.Next(1, 41));
            current[int.Parse(d.Sku[4..])] = d;
            await engine.IndexAsync([d], default);
        }
        await engine.DeleteAsync([SearchEngines.Id(3), SearchEngines.Id(17)], default);
        current.Remove(3);
        current.Remove(17);

        var expected = current.Values.Where(d => d.Price is >= 20 and <= 60 && d.Available > 0).ToList();
        var byPrice = await engine.SearchAsync(new SearchRequest("lantern", MinPrice: 20, MaxPrice: 60, InStockOnly: true, Sort: SearchSort.PriceLowHigh, PageSize: 100), default);
        Assert.Equal(expected.Count, byPrice.Total);
        Assert.Equal(expected.OrderBy(d => d.Price).Select(d => d.Sku), byPrice.Hits.Select(h => h.Sku));
        Assert.Equal(expected.Select(d => d.Price).Order(), byPrice.Hits.Select(h => h.Price));
        Assert.Equal(
            expected.GroupBy(d => d.Brand).Select(g => (g.Key, (long)g.Count())).OrderByDescending(g => g.Item2).ThenBy(g => g.Key, StringComparer.Ordinal),
            byPrice.Facets["brand"].Select(f => (f.Value, f.Count)));
        Assert.Equal([(SearchLabels.InStock, (long)expected.Count)], byPrice.Facets["availability"].Select(f => (f.Value, f.Count)));
        Assert.Equal(expected.Count(d => d.Rating >= 4), byPrice.Facets["rating"].Single(f => f.Value == SearchFacets.RatingLabel(4)).Count);

        var rated = await engine.SearchAsync(new SearchRequest("lantern", MinRating: 3, PageSize: 100), default);
        Assert.Equal(current.Values.Count(d => d.Rating >= 3), rated.Total);

        // Equal text scores, so relevance order is popularity order.
        var ranked = await engine.SearchAsync(new SearchRequest("lantern", PageSize: 100) { PopularityWeight = 0.5 }, default);
        Assert.Equal(current.Values.OrderByDescending(d => d.Popularity).Select(d => d.Sku), ranked.Hits.Select(h => h.Sku));
        Assert.Equal(current.Values.OrderByDescending(d => d.Popularity).Take(5).Select(d => d.Sku),
            (await engine.SuggestAsync("lant", 5, default)).Select(h => h.Sku));
    }

    /// <summary>
    /// Shoppers search while stock changes arrive: each change opens new segments whose columns are
    /// built on first use. Every answer must still agree with itself — "in stock only" shows no
    /// sold-out product and its count equals the in-stock facet — and nothing fails.
    /// </summary>
    [Fact]
    public async Task Searches_running_while_stock_changes_arrive_never_show_sold_out_products_as_in_stock()
    {
        using var engine = new LuceneSearchEngine(Path.Combine(_root, "concurrent"), stampFormat: true);
        SearchDocument Lantern(int n, int available) => new(SearchEngines.Id(n), $"SKU-{n}", $"p-{n}", $"Lantern {n}", "", "Acme",
            ["home"], 10m + n, "USD", 4m, 3, available, n, DateTimeOffset.UnixEpoch.AddDays(n)) { CategoryNames = ["Home"] };
        await engine.IndexAsync(Enumerable.Range(1, 200).Select(n => Lantern(n, n % 2)).ToList(), default);

        using var done = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var random = new Random(3);
            for (var i = 0; i < 300; i++)
            {
                var batch = Enumerable.Range(0, 1 + random.Next(4)).Select(_ => random.Next(1, 201)).Distinct().Select(n => Lantern(n, random.Next(0, 3))).ToList();
                await engine.IndexAsync(batch, default);
            }
            done.Cancel();
        });
        var searches = 0;
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                var result = await engine.SearchAsync(new SearchRequest("lantern", InStockOnly: true, Sort: r % 2 == 0 ? SearchSort.PriceLowHigh : SearchSort.Relevance, PageSize: 100) { PopularityWeight = 0.2 }, default);
                Assert.All(result.Hits, h => Assert.True(h.Available > 0, $"{h.Sku} shown as in stock with {h.Available}"));
                Assert.Equal(result.Total, result.Facets["availability"].Single().Count);
                Assert.InRange(result.Total, 0, 200);
                Interlocked.Increment(ref searches);
            }
        })).ToList();
        await Task.WhenAll(readers.Append(writer));
        Assert.True(searches > 20, $"only {searches} searches ran alongside the updates");
    }
}
