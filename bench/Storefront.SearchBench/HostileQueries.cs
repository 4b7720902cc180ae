using System.Diagnostics;
using System.Globalization;
using Storefront.Catalog.Contracts;
using Storefront.Search.Contracts;
using Storefront.Search.Lucene;
using Storefront.Web.Seeding;

namespace Storefront.SearchBench;

/// <summary>
/// What one hostile query costs in CPU: the demo catalog (2,400 products) indexed in a temporary
/// folder, then queries of 16 long words that no product has (typo-tolerant matching and "did you
/// mean" are tried for each), new words every time so that no cache helps, one query at a time.
/// An honest two-word query with one typo is timed the same way for comparison.
/// </summary>
internal static class HostileQueries
{
    private static readonly int MinLength = int.TryParse(Environment.GetEnvironmentVariable("WORD_LENGTH"), out var n) ? n : 10;

    public static async Task RunAsync(int count)
    {
        var inv = CultureInfo.InvariantCulture;
        var path = Path.Combine(Path.GetTempPath(), "sf-hostile-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using var engine = new LuceneSearchEngine(path, stampFormat: true);
            var categories = DemoCatalog.Categories();
            var ids = categories.Select((c, i) => (c.Key, Id: i + 1)).ToDictionary(c => c.Key, c => c.Id);
            var byId = categories.ToDictionary(c => ids[c.Key]);
            IReadOnlyList<CategorySeed> Path(CategorySeed leaf)
            {
                var chain = new List<CategorySeed>();
                for (var c = leaf; c is not null; c = c.ParentKey is null ? null : categories.First(x => x.Key == c.ParentKey)) chain.Insert(0, c);
                return chain;
            }
            var now = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
            var documents = DemoCatalog.Products(ids, 2400, now).Select(p =>
            {
                var chain = Path(byId[p.CategoryId]);
                return new SearchDocument(p.Id, p.Sku, p.Slug, p.Title, p.Description, p.Brand, chain.Select(c => c.Key).ToList(),
                    p.Price, p.Currency, 4, p.Reviews.Count, p.OnHand, 0, p.CreatedAt) { CategoryNames = chain.Select(c => c.Name).ToList() };
            }).ToList();
            await engine.IndexAsync(documents, default);

            var random = new Random(7);
            string Word() => new(Enumerable.Range(0, random.Next(MinLength, MinLength + 2)).Select(_ => (char)('a' + random.Next(26))).ToArray());
            string Hostile() => string.Join(' ', Enumerable.Range(0, 16).Select(_ => Word()));
            Storefront.Search.Contracts.SearchRequest Request(string q) => new(q) { PopularityWeight = 0.15 };

            // Warm up the JIT and the reader on queries that are not measured.
            for (var i = 0; i < 10; i++) await engine.SearchAsync(Request(Hostile()), default);
            foreach (var (name, make) in new (string, Func<string>)[] { ("16 unknown words", Hostile), ("honest, one typo", () => "bluetoth headphones") })
            {
                var process = Process.GetCurrentProcess();
                var cpu = process.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                SearchResult? last = null;
                for (var i = 0; i < count; i++) last = await engine.SearchAsync(Request(make()), default);
                process.Refresh();
                var cpuMs = (process.TotalProcessorTime - cpu).TotalMilliseconds / count;
                Console.WriteLine(string.Create(inv,
                    $"{name,-17} n={count,3} cpu={cpuMs,8:0.0} ms/query wall={watch.Elapsed.TotalMilliseconds / count,8:0.0} ms/query total={last!.Total} did-you-mean={(last.DidYouMean is null ? "no" : "yes")}"));
            }
        }
        finally
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
    }
}
