using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using Storefront.Search.Contracts;
using Storefront.Search.Lucene;

// Search latency in process, side by side: the store's Lucene index and PostgreSQL full-text search
// (tsvector + GIN) over the same catalog, with the same fixed mix of queries.
//   dotnet run -c Release --project bench/Storefront.SearchBench -- queries "<pg>" <out dir>      # writes the query mix (and wrk URL files)
//   dotnet run -c Release --project bench/Storefront.SearchBench -- fts-setup "<pg>"              # builds the FTS table and its GIN indexes, timed
//   dotnet run -c Release --project bench/Storefront.SearchBench -- run "<pg>" <index dir> <out dir> [rounds]
//   dotnet run -c Release --project bench/Storefront.SearchBench -- hostile [queries]                # CPU of hostile queries on the demo catalog (no database)
var command = args.Length > 0 ? args[0] : throw new ArgumentException("Commands: queries, fts-setup, run, hostile.");
var inv = CultureInfo.InvariantCulture;
if (command == "hostile")
{
    await Storefront.SearchBench.HostileQueries.RunAsync(args.Length > 1 ? int.Parse(args[1], inv) : 40);
    return;
}
var connectionString = args.Length > 1 ? args[1] : throw new ArgumentException("Pass a PostgreSQL connection string.");

await using var dataSource = NpgsqlDataSource.Create(connectionString);

switch (command)
{
    case "queries":
        await WriteQueriesAsync(args[2]);
        break;
    case "fts-setup":
        await FtsSetupAsync();
        break;
    case "run":
        await RunAsync(args[2], args[3], args.Length > 4 ? int.Parse(args[4], inv) : 3);
        break;
    default:
        throw new ArgumentException($"Unknown command {command}.");
}

// The fixed mix: words taken from 300 products picked with a fixed seed, so every run asks the same.
async Task WriteQueriesAsync(string dir)
{
    Directory.CreateDirectory(dir);
    var rows = new List<(string Title, string Brand)>();
    await using (var cmd = dataSource.CreateCommand(
        "SELECT title, brand FROM catalog.products TABLESAMPLE BERNOULLI (0.1) REPEATABLE (42) WHERE is_published ORDER BY id LIMIT 300"))
    await using (var reader = await cmd.ExecuteReaderAsync())
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetString(1)));
    var random = new Random(42);
    var lines = new List<string>();
    foreach (var (title, brand) in rows)
    {
        // Words a shopper would type: not "the", "and" or "for", which the English analysis drops.
        string[] stop = ["the", "and", "for", "with", "not", "but", "are", "was", "this", "that", "into", "such", "their", "then", "there", "these", "they", "will"];
        var words = title.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length >= 3 && w.All(char.IsLetter) && !stop.Contains(w.ToLowerInvariant()))
            .Select(w => w.ToLowerInvariant()).Where(w => !string.Equals(w, brand, StringComparison.OrdinalIgnoreCase)).ToList();
        if (words.Count < 2) continue;
        var a = words[random.Next(words.Count)];
        var b = words.Where(w => w != a).ElementAt(random.Next(words.Count - 1));
        lines.Add($"full\t{a} {b}\t");
        lines.Add($"filtered\t{a}\tmin=20&max=200&instock=true");
        lines.Add($"faceted\t{a}\tbrand={Uri.EscapeDataString(brand)}");
        lines.Add($"browse\t\tmin=20&max=200&instock=true&sort=rating");
        lines.Add($"suggest\t{(random.Next(2) == 0 ? a[..Math.Min(a.Length, 3 + random.Next(3))] : $"{a} {b[..Math.Min(b.Length, 2 + random.Next(3))]}")}\t");
    }
    await File.WriteAllLinesAsync(Path.Combine(dir, "queries.tsv"), lines);
    string Url(string kind, string q, string extra) => kind == "suggest"
        ? $"/api/search/suggest?q={Uri.EscapeDataString(q)}"
        : $"/search?q={Uri.EscapeDataString(q)}" + (extra.Length > 0 ? "&" + extra : "");
    // Browsing (no words) is one request repeated: what "See all products" with filters asks for.
    foreach (var kind in new[] { "full", "filtered", "faceted", "browse", "suggest" })
    {
        var urls = lines.Select(l => l.Split('\t')).Where(p => p[0] == kind).Select(p => Url(p[0], p[1], p[2]));
        await File.WriteAllLinesAsync(Path.Combine(dir, $"search-{kind}.txt"), urls);
    }
    Console.WriteLine($"{lines.Count} queries from {rows.Count} products written to {dir}");
}

// The table a user would otherwise build: the published products with price and stock, a weighted
// English tsvector (title A, category names B, description D), a simple one of the title for
// prefix suggestions, each with a GIN index.
async Task FtsSetupAsync()
{
    var watch = Stopwatch.StartNew();
    foreach (var sql in new[]
    {
        "DROP SCHEMA IF EXISTS bench_fts CASCADE",
        "CREATE SCHEMA bench_fts",
        """
        CREATE TABLE bench_fts.products AS
        WITH names AS (
            SELECT c.id, (SELECT string_agg(a.name, ' ') FROM catalog.categories a WHERE c.path LIKE a.path || '%') AS names
            FROM catalog.categories c)
        SELECT p.id, p.title, p.brand, p.category_path, coalesce(l.price, 0) AS price, p.average_rating AS rating,
               coalesce(l.available, 0) AS available, p.review_count * p.average_rating / 5 AS popularity,
               setweight(to_tsvector('english', p.title), 'A') || setweight(to_tsvector('english', coalesce(c.names, '')), 'B')
                 || setweight(to_tsvector('english', p.description), 'D') AS tsv,
               to_tsvector('simple', p.title) AS title_words
        FROM catalog.products p
        LEFT JOIN catalog.listing_prices l ON l.sku = p.sku
        LEFT JOIN names c ON c.id = p.category_id
        WHERE p.is_published
        """,
        "CREATE INDEX ON bench_fts.products USING gin (tsv)",
        "CREATE INDEX ON bench_fts.products USING gin (title_words)",
        "ANALYZE bench_fts.products",
    })
    {
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync();
    }
    Console.WriteLine(string.Create(inv, $"PostgreSQL FTS table and GIN indexes built in {watch.Elapsed.TotalSeconds:0.0} s"));
}

async Task RunAsync(string indexDir, string dir, int rounds)
{
    var queries = (await File.ReadAllLinesAsync(Path.Combine(dir, "queries.tsv"))).Select(l => l.Split('\t')).ToList();
    using var engine = new LuceneSearchEngine(indexDir);
    var report = new StringBuilder();
    var documents = await engine.CountAsync(default);
    Console.WriteLine(string.Create(inv, $"{documents} documents in {indexDir}; {queries.Count} queries, {rounds} rounds each, one at a time"));

    Task<long> Lucene(string[] q) => q[0] switch
    {
        "suggest" => engine.SuggestAsync(q[1], 10, default).ContinueWith(t => (long)t.Result.Count, TaskScheduler.Default),
        _ => engine.SearchAsync(Request(q), default).ContinueWith(t => t.Result.Total, TaskScheduler.Default),
    };
    async Task<long> Postgres(string[] q)
    {
        await using var cmd = q[0] == "suggest" ? SuggestSql(q[1]) : SearchSql(q);
        long rows = 0;
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows++;
        return rows;
    }

    // ENGINES="lucene" leaves PostgreSQL out (its half of the run takes ten minutes at a million products).
    var engines = (Environment.GetEnvironmentVariable("ENGINES") ?? "lucene postgres-fts").Split(' ', StringSplitOptions.RemoveEmptyEntries);
    foreach (var (name, run) in new (string, Func<string[], Task<long>>)[] { ("lucene", Lucene), ("postgres-fts", Postgres) }.Where(e => engines.Contains(e.Item1)))
    {
        // Warm up: JIT, caches, the first reader.
        foreach (var q in queries.Take(200)) await run(q);
        foreach (var kind in new[] { "full", "filtered", "faceted", "browse", "suggest" })
        {
            var mine = queries.Where(q => q[0] == kind).ToList();
            var times = new List<double>();
            long matched = 0;
            for (var round = 0; round < rounds; round++)
            {
                foreach (var q in mine)
                {
                    var watch = Stopwatch.StartNew();
                    matched += await run(q);
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }
            times.Sort();
            double P(double p) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(p * times.Count) - 1)];
            var line = string.Create(inv, $"{name,-13} {kind,-9} n={times.Count,5} p50={P(0.50),7:0.00}ms p95={P(0.95),7:0.00}ms p99={P(0.99),7:0.00}ms max={times[^1],8:0.00}ms");
            Console.WriteLine(line);
            report.AppendLine(line);
        }
    }
    await File.AppendAllTextAsync(Path.Combine(dir, "in-process.txt"), report.ToString());
}

static Storefront.Search.Contracts.SearchRequest Request(string[] q)
{
    // The extra filters are a URL query string (values escaped).
    var extra = q[2].Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
        .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
    return new Storefront.Search.Contracts.SearchRequest(q[1].Length == 0 ? null : q[1],
        Sort: extra.GetValueOrDefault("sort") == "rating" ? SearchSort.Rating : SearchSort.Relevance,
        Brand: extra.GetValueOrDefault("brand"),
        MinPrice: extra.TryGetValue("min", out var min) ? decimal.Parse(min, CultureInfo.InvariantCulture) : null,
        MaxPrice: extra.TryGetValue("max", out var max) ? decimal.Parse(max, CultureInfo.InvariantCulture) : null,
        InStockOnly: extra.ContainsKey("instock"))
    { PopularityWeight = 0.15 };
}

// A results page from PostgreSQL: the top 24 by ts_rank_cd (lifted by popularity like the store's
// ranking), the total, brand counts and price-band counts over every match.
NpgsqlCommand SearchSql(string[] q)
{
    var request = Request(q);
    var filters = new StringBuilder();
    var cmd = dataSource.CreateCommand();
    if (request.Query is not null) cmd.Parameters.AddWithValue("q", request.Query);
    if (request.Brand is not null) { filters.Append(" AND brand = @brand"); cmd.Parameters.AddWithValue("brand", request.Brand); }
    if (request.MinPrice is not null) { filters.Append(" AND price >= @min"); cmd.Parameters.AddWithValue("min", request.MinPrice); }
    if (request.MaxPrice is not null) { filters.Append(" AND price <= @max"); cmd.Parameters.AddWithValue("max", request.MaxPrice); }
    if (request.InStockOnly) filters.Append(" AND available > 0");
    // Without words: every product that passes the filters, best rated first.
    var matches = request.Query is null
        ? $"SELECT id, brand, price, rating AS r FROM bench_fts.products WHERE true{filters}"
        : $"""
          SELECT id, brand, price, ts_rank_cd(tsv, q) * (1 + 0.15 * ln(1 + popularity)) AS r
          FROM bench_fts.products, websearch_to_tsquery('english', @q) q
          WHERE tsv @@ q{filters}
          """;
    cmd.CommandText = $"""
        WITH m AS MATERIALIZED ({matches})
        SELECT 'hit', id::text, r::float8 FROM (SELECT id, r FROM m ORDER BY r DESC, id LIMIT 24) h
        UNION ALL SELECT 'total', NULL, count(*)::float8 FROM m
        UNION ALL SELECT 'brand', brand, n::float8 FROM (SELECT brand, count(*) AS n FROM m GROUP BY brand ORDER BY n DESC LIMIT 20) b
        UNION ALL SELECT 'price', band::text, n::float8 FROM (
            SELECT width_bucket(price, ARRAY[25, 50, 100, 250]::numeric[]) AS band, count(*) AS n FROM m GROUP BY 1) p
        """;
    return cmd;
}

NpgsqlCommand SuggestSql(string typed)
{
    var words = typed.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => new string(w.Where(char.IsLetterOrDigit).ToArray())).Where(w => w.Length > 0).ToList();
    var cmd = dataSource.CreateCommand("""
        SELECT id, title FROM bench_fts.products WHERE title_words @@ to_tsquery('simple', @q)
        ORDER BY popularity DESC, id LIMIT 10
        """);
    cmd.Parameters.AddWithValue("q", string.Join(" & ", words.Take(words.Count - 1).Append(words[^1] + ":*")));
    return cmd;
}
