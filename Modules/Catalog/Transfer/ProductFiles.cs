using System.Globalization;
using System.Text;
using System.Text.Json;
using FluentValidation;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Catalog.Categories;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Data;
using Storefront.Catalog.Products;
using Storefront.Inventory.Contracts;

namespace Storefront.Catalog.Transfer;

/// <summary>
/// The catalog written out as CSV and read back in (<see cref="IProductFiles"/>). The columns are
/// <c>sku</c> (the key), <c>title</c>, <c>slug</c>, <c>brand</c>, <c>category</c> (its path as the
/// merchant's pages show it, "Outdoors › Tents", or its slug), <c>price</c>, <c>on_hand</c>,
/// <c>published</c>, <c>description</c> and one <c>attribute:key</c> column per attribute. A file may
/// leave out any column but <c>sku</c>: a product keeps what the file does not mention.
/// </summary>
internal sealed class ProductFiles(
    CatalogDbContext db,
    CategoryTree tree,
    IValidator<ProductInput> validator,
    IPricesAndStock inventory,
    IBackgroundJobClient jobs,
    ProductImportJob job,
    TimeProvider clock) : IProductFiles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const string AttributePrefix = "attribute:";
    private static readonly string[] Columns = ["sku", "title", "slug", "brand", "category", "price", "on_hand", "published", "description"];
    private const int MaxCell = 10_000;
    /// <summary>How many problems a refused file lists (all are counted).</summary>
    private const int ProblemsListed = 100;
    /// <summary>How long a preview may wait to be applied: after that, what it shows may be far from the store.</summary>
    public static readonly TimeSpan PreviewLasts = TimeSpan.FromHours(1);

    // ---- Export ----

    public async Task ExportAsync(Stream output, CancellationToken ct)
    {
        var snapshot = await tree.GetAsync(ct);
        // Attribute columns: every key any product has, in a stable order.
        var keys = await db.Database.SqlQuery<string>($"SELECT DISTINCT jsonb_object_keys(attributes) AS \"Value\" FROM catalog.products")
            .ToListAsync(ct);
        keys.Sort(StringComparer.Ordinal);
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024);
        await writer.WriteAsync(CsvCells.Line([.. Columns, .. keys.Select(k => AttributePrefix + k)]));
        var inv = CultureInfo.InvariantCulture;
        Guid? after = null;
        while (true)
        {
            // Keyset pages in the order products were made, each with its prices in one round trip.
            var query = db.Products.AsNoTracking();
            if (after is { } last) query = query.Where(p => p.Id.CompareTo(last) > 0);
            var page = await query.OrderBy(p => p.Id).Take(1000)
                .Select(p => new { p.Id, p.Sku, p.Title, p.Slug, p.Brand, p.CategoryId, p.IsPublished, p.Description, p.Attributes })
                .ToListAsync(ct);
            if (page.Count == 0) break;
            var stock = await inventory.GetManyAsync(page.Select(p => p.Sku).ToList(), ct);
            foreach (var p in page)
            {
                var attributes = JsonSerializer.Deserialize<Dictionary<string, string>>(p.Attributes) ?? [];
                stock.TryGetValue(p.Sku, out var s);
                await writer.WriteAsync(CsvCells.Line([
                    p.Sku, p.Title, p.Slug, p.Brand,
                    snapshot.ById.TryGetValue(p.CategoryId, out var c) ? snapshot.PathName(c) : "",
                    s?.Price.Amount.ToString("0.00", inv) ?? "", s?.OnHand.ToString(inv) ?? "",
                    p.IsPublished ? "true" : "false", p.Description,
                    .. keys.Select(k => attributes.GetValueOrDefault(k, "")),
                ]));
            }
            await writer.FlushAsync(ct);
            after = page[^1].Id;
        }
    }

    // ---- Check and preview ----

    /// <summary>A product as it is now, for comparing a row with.</summary>
    private sealed record Current(Guid Id, ProductInput Input, DateTimeOffset UpdatedAt);

    /// <summary>A row read from the file, before it is compared with the store.</summary>
    private sealed record Row(int Line, Dictionary<string, string> Cells)
    {
        public string? this[string column] => Cells.TryGetValue(column, out var v) ? v : null;
    }

    public async Task<ImportCheckResult> CheckAsync(string fileName, Stream content, string actor, CancellationToken ct)
    {
        var problems = new List<ImportProblem>();
        var (_, rows) = await ReadAsync(content, problems, ct);
        // A file that cannot be read as a whole stops here; lines of the wrong length are listed with the problems of the others.
        if (rows.Count == 0) return Refused(problems.Count > 0 ? problems : [new ImportProblem(1, "", Problem.Of(CatalogProblems.ImportEmpty))]);

        var snapshot = await tree.GetAsync(ct);
        var categories = CategoryNames(snapshot);
        var skus = rows.Select(r => (r["sku"] ?? "").Trim()).Where(s => s.Length is > 0 and <= 64).Distinct(StringComparer.Ordinal).ToList();
        var current = await CurrentAsync(skus, ct);
        var stock = new Dictionary<string, SkuStock>(StringComparer.Ordinal);
        foreach (var batch in current.Keys.Chunk(1000))
            foreach (var (sku, s) in await inventory.GetManyAsync(batch, ct)) stock[sku] = s;

        var plans = new List<(Row Row, ProductInput Input, ImportRowAction Action, RowPlan Plan, List<ImportFieldChange> Changes)>();
        var seenSkus = new Dictionary<string, int>(StringComparer.Ordinal);
        var seenSlugs = new Dictionary<string, int>(StringComparer.Ordinal);
        var unchanged = 0;
        foreach (var row in rows)
        {
            var before = problems.Count;
            // One problem per cell: the first found is the one to correct.
            void Report(string column, Problem problem)
            {
                if (!problems.Skip(before).Any(p => p.Column == column)) problems.Add(new ImportProblem(row.Line, column, problem));
            }
            var sku = (row["sku"] ?? "").Trim();
            if (sku.Length > 0 && !seenSkus.TryAdd(sku, row.Line))
            {
                Report("sku", Problem.Of(CatalogProblems.ImportSkuTwice, ("line", seenSkus[sku])));
                continue;
            }
            current.TryGetValue(sku, out var now);
            var input = Merge(row, now?.Input, categories, Report);
            var price = Amount(row["price"], now is null, Report);
            var onHand = Count(row["on_hand"], Report);
            foreach (var (field, fieldProblems) in await CatalogAdmin.ShapeErrorsAsync(validator, snapshot, input, ct))
                foreach (var p in fieldProblems) Report(ColumnOf(field), p);
            if (problems.Count > before) continue;
            if (!seenSlugs.TryAdd(input.Slug, row.Line))
                Report("slug", Problem.Of(CatalogProblems.ImportSlugTwice, ("line", seenSlugs[input.Slug])));
            if (now is null)
            {
                var changes = Describe(null, input, snapshot);
                changes.Add(new("price", null, price!.Value.ToString("0.00", CultureInfo.InvariantCulture)));
                changes.Add(new("on_hand", null, (onHand ?? 0).ToString(CultureInfo.InvariantCulture)));
                plans.Add((row, input, ImportRowAction.Create, new RowPlan(null, null, input, price, onHand ?? 0, null, null), changes));
            }
            else
            {
                stock.TryGetValue(sku, out var s);
                var changes = Describe(now.Input, input, snapshot);
                var newPrice = price is { } pr && pr != s?.Price.Amount ? price : null;
                var newCount = onHand is { } oh && oh != s?.OnHand ? onHand : null;
                if (newPrice is { } np) changes.Add(new("price", s?.Price.Amount.ToString("0.00", CultureInfo.InvariantCulture), np.ToString("0.00", CultureInfo.InvariantCulture)));
                if (newCount is { } nc) changes.Add(new("on_hand", s?.OnHand.ToString(CultureInfo.InvariantCulture), nc.ToString(CultureInfo.InvariantCulture)));
                if (changes.Count == 0)
                {
                    unchanged++;
                    continue;
                }
                var textChanged = changes.Any(c => c.Column is not ("price" or "on_hand"));
                plans.Add((row, input, ImportRowAction.Update, new RowPlan(now.Id, now.UpdatedAt, textChanged ? input : null, newPrice, newCount,
                    s?.Price.Amount, s?.OnHand), changes));
            }
        }
        if (problems.Count == 0)
        {
            // A slug another product has now is refused, even when the file gives that product another
            // one: lines are applied one at a time, and the first save would meet the other's slug.
            var slugs = plans.Where(p => p.Plan.Input is not null).Select(p => p.Input.Slug).ToList();
            var taken = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var batch in slugs.Chunk(1000))
                foreach (var t in await db.Products.AsNoTracking().Where(p => batch.Contains(p.Slug)).Select(p => new { p.Slug, p.Sku }).ToListAsync(ct))
                    taken[t.Slug] = t.Sku;
            foreach (var (row, input, _, plan, _) in plans.Where(p => p.Plan.Input is not null))
                if (taken.TryGetValue(input.Slug, out var owner) && owner != input.Sku)
                    problems.Add(new ImportProblem(row.Line, "slug", Problem.Of(CatalogProblems.ImportSlugTaken, ("sku", owner))));
        }
        if (problems.Count > 0) return Refused(problems);

        var now2 = clock.GetUtcNow();
        var import = new ProductImport
        {
            Id = Guid.CreateVersion7(now2), FileName = Path.GetFileName(fileName ?? "").Trim() is { Length: > 0 } name ? name[..Math.Min(200, name.Length)] : "products.csv",
            CreatedBy = actor, CreatedAt = now2, Lines = rows.Count,
            Creates = plans.Count(p => p.Action == ImportRowAction.Create), Updates = plans.Count(p => p.Action == ImportRowAction.Update), Unchanged = unchanged,
            Status = plans.Count == 0 ? ImportStatus.Applied : ImportStatus.Previewed, FinishedAt = plans.Count == 0 ? now2 : null,
        };
        db.ProductImports.Add(import);
        db.ProductImportRows.AddRange(plans.Select(p => new ProductImportRow
        {
            ImportId = import.Id, Line = p.Row.Line, Sku = p.Input.Sku, Action = p.Action,
            Plan = JsonSerializer.Serialize(p.Plan, Json), Changes = JsonSerializer.Serialize(p.Changes, Json),
        }));
        await db.SaveChangesAsync(ct);
        return new ImportCheckResult(import.Id, [], 0);
    }

    private static ImportCheckResult Refused(List<ImportProblem> problems) =>
        new(null, problems.OrderBy(p => p.Line).Take(ProblemsListed).ToList(), problems.Count);

    /// <summary>The file's header and rows; a file that cannot be read, or names columns the store does not have, is a problem.</summary>
    private static async Task<(List<string> Header, List<Row> Rows)> ReadAsync(Stream content, List<ImportProblem> problems, CancellationToken ct)
    {
        // The whole file is read (within the size limit) before any row is looked at: a file that
        // breaks off half way is refused whole.
        // Read no further than one byte past the limit, whatever the stream holds.
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while (buffer.Length <= IProductFiles.MaxBytes && (read = await content.ReadAsync(chunk, ct)) > 0) buffer.Write(chunk, 0, read);
        if (buffer.Length > IProductFiles.MaxBytes)
        {
            problems.Add(new(1, "", Problem.Of(CatalogProblems.ImportTooLarge, ("megabytes", IProductFiles.MaxBytes / 1024 / 1024))));
            return ([], []);
        }
        buffer.Position = 0;
        string text;
        try
        {
            using var reader = new StreamReader(buffer, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
            text = await reader.ReadToEndAsync(ct);
        }
        catch (DecoderFallbackException)
        {
            problems.Add(new(1, "", Problem.Of(CatalogProblems.ImportNotUtf8)));
            return ([], []);
        }
        var header = new List<string>();
        var rows = new List<Row>();
        var records = 0;
        try
        {
            foreach (var (line, cells) in Csv.Read(new StringReader(text), MaxCell))
            {
                if (header.Count == 0)
                {
                    header = cells.Select(ColumnName).ToList();
                    CheckHeader(header, problems);
                    if (problems.Count > 0) return (header, []);
                    continue;
                }
                // Products are counted as records: a description with line breaks is still one product.
                if (++records > IProductFiles.MaxProducts)
                {
                    problems.Add(new(line, "", Problem.Of(CatalogProblems.ImportTooManyProducts, ("products", IProductFiles.MaxProducts))));
                    return (header, []);
                }
                if (cells.Count != header.Count)
                {
                    problems.Add(new(line, "", Problem.Of(CatalogProblems.ImportCellCount, ("cells", cells.Count), ("columns", header.Count))));
                    continue;
                }
                var row = new Dictionary<string, string>(StringComparer.Ordinal);
                for (var i = 0; i < header.Count; i++) row[header[i]] = CsvCells.Unguard(cells[i]);
                rows.Add(new Row(line, row));
            }
        }
        catch (CsvFormatException bad)
        {
            problems.Add(new(bad.Line, "", Problem.Of(CatalogProblems.ImportNotCsv, ("reason", bad.Reason))));
            return (header, []);
        }
        if (header.Count == 0 && problems.Count == 0) problems.Add(new(1, "", Problem.Of(CatalogProblems.ImportEmpty)));
        return (header, rows);
    }

    /// <summary>A header cell as a column name: in lower case, but an attribute's key as written (keys are the category's).</summary>
    private static string ColumnName(string cell)
    {
        var name = cell.Trim();
        return name.StartsWith(AttributePrefix, StringComparison.OrdinalIgnoreCase) ? AttributePrefix + name[AttributePrefix.Length..].Trim() : name.ToLowerInvariant();
    }

    private static void CheckHeader(List<string> header, List<ImportProblem> problems)
    {
        if (!header.Contains("sku")) problems.Add(new(1, "sku", Problem.Of(CatalogProblems.ImportNoSkuColumn)));
        foreach (var column in header.GroupBy(h => h).Where(g => g.Count() > 1))
            problems.Add(new(1, column.Key, Problem.Of(CatalogProblems.ImportColumnTwice)));
        foreach (var column in header.Distinct().Where(h => !Columns.Contains(h) && !(h.StartsWith(AttributePrefix, StringComparison.Ordinal) && h.Length > AttributePrefix.Length)))
            problems.Add(new(1, column, Problem.Of(CatalogProblems.ImportUnknownColumn, ("columns", Columns))));
    }

    /// <summary>The products of these SKUs as they are now, by SKU.</summary>
    private async Task<Dictionary<string, Current>> CurrentAsync(List<string> skus, CancellationToken ct)
    {
        var current = new Dictionary<string, Current>(StringComparer.Ordinal);
        foreach (var batch in skus.Chunk(1000))
        {
            var products = await db.Products.AsNoTracking().Where(p => batch.Contains(p.Sku))
                .Select(p => new { p.Id, p.Sku, p.Title, p.Slug, p.Description, p.Brand, p.CategoryId, p.Attributes, p.IsPublished, p.UpdatedAt })
                .ToListAsync(ct);
            foreach (var p in products)
                current[p.Sku] = new Current(p.Id, new ProductInput(p.Sku, p.Title, p.Slug, p.Description, p.Brand, p.CategoryId,
                    JsonSerializer.Deserialize<Dictionary<string, string>>(p.Attributes) ?? [], p.IsPublished), p.UpdatedAt);
        }
        return current;
    }

    /// <summary>Categories by what a file may call them: their path as the merchant's pages show it (any case, › or &gt; between names), or their slug.</summary>
    private static Dictionary<string, int> CategoryNames(CategoryTree.Snapshot snapshot)
    {
        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in snapshot.ById.Values)
        {
            names[PathKey(snapshot.PathName(c))] = c.Id;
            names.TryAdd(c.Slug, c.Id);
        }
        return names;
    }

    private static string PathKey(string path) =>
        string.Join(" › ", path.Split(['›', '>'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    /// <summary>
    /// The product a row describes: the columns it has over what the product is now (or, for a new
    /// SKU, over nothing, so title, brand, category and price are then needed).
    /// </summary>
    private static ProductInput Merge(Row row, ProductInput? now, Dictionary<string, int> categories, Action<string, Problem> problem)
    {
        // An empty cell keeps what the product has for the fields a product cannot be without, and
        // clears the others (description, attributes).
        string Kept(string column, string? was) => row[column]?.Trim() is { Length: > 0 } given ? given : was ?? "";
        var sku = (row["sku"] ?? "").Trim();
        var title = Kept("title", now?.Title);
        var brand = Kept("brand", now?.Brand);
        var description = row["description"]?.Trim() ?? now?.Description ?? "";
        var slug = Kept("slug", now?.Slug ?? Products.Slugs.From(title));
        var categoryId = now?.CategoryId ?? 0;
        if (row["category"] is { } categoryText)
        {
            if (categoryText.Trim().Length == 0) { }
            else if (categories.TryGetValue(PathKey(categoryText), out var id)) categoryId = id;
            else
            {
                problem("category", Problem.Of(CatalogProblems.ImportCategoryUnknown, ("category", categoryText.Trim())));
            }
        }
        var published = now?.Published ?? false;
        if (row["published"] is { } publishedText && publishedText.Trim().Length > 0)
        {
            switch (publishedText.Trim().ToLowerInvariant())
            {
                case "true" or "yes" or "1" or "published": published = true; break;
                case "false" or "no" or "0" or "unpublished": published = false; break;
                default:
                    problem("published", Problem.Of(CatalogProblems.ImportPublishedInvalid));
                    break;
            }
        }
        var attributes = new Dictionary<string, string>(now?.Attributes ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (column, value) in row.Cells.Where(c => c.Key.StartsWith(AttributePrefix, StringComparison.Ordinal)))
        {
            // An attribute the product has is matched in any case; a new one is written as the column names it.
            var key = column[AttributePrefix.Length..];
            var existing = attributes.Keys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase)) ?? key;
            if (value.Trim().Length == 0) attributes.Remove(existing);
            else attributes[existing] = value.Trim();
        }
        return new ProductInput(sku, title, slug, description, brand, categoryId, attributes, published);
    }

    private static decimal? Amount(string? text, bool required, Action<string, Problem> problem)
    {
        if (text is null || text.Trim().Length == 0)
        {
            if (required) problem("price", Problem.Of(CatalogProblems.PriceInvalid));
            return null;
        }
        if (decimal.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            && amount <= 9_999_999_999.99m && decimal.Round(amount, 2) == amount)
            return amount;
        problem("price", Problem.Of(CatalogProblems.PriceInvalid));
        return null;
    }

    private static int? Count(string? text, Action<string, Problem> problem)
    {
        if (text is null || text.Trim().Length == 0) return null;
        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count <= 1_000_000_000) return count;
        problem("on_hand", Problem.Of(CatalogProblems.OnHandInvalid));
        return null;
    }

    private static string ColumnOf(string field) => field switch
    {
        nameof(ProductInput.CategoryId) => "category",
        _ when field.StartsWith("Attributes.", StringComparison.Ordinal) => AttributePrefix + field["Attributes.".Length..],
        _ => field.ToLowerInvariant(),
    };

    /// <summary>The product's text and settings a row changes, column by column.</summary>
    private static List<ImportFieldChange> Describe(ProductInput? before, ProductInput after, CategoryTree.Snapshot snapshot)
    {
        string Category(int id) => snapshot.ById.TryGetValue(id, out var c) ? snapshot.PathName(c) : "";
        string Published(bool p) => p ? "true" : "false";
        var changes = new List<ImportFieldChange>();
        void Compare(string column, string? was, string now)
        {
            // A new product's empty values are no change to list.
            if (was != now && !(before is null && now.Length == 0)) changes.Add(new(column, was, now));
        }
        Compare("title", before?.Title, after.Title);
        Compare("slug", before?.Slug, after.Slug);
        Compare("brand", before?.Brand, after.Brand);
        Compare("category", before is null ? null : Category(before.CategoryId), Category(after.CategoryId));
        Compare("published", before is null ? null : Published(before.Published), Published(after.Published));
        Compare("description", before?.Description, after.Description);
        foreach (var key in after.Attributes.Keys.Union(before?.Attributes.Keys ?? []).Order(StringComparer.Ordinal))
        {
            var was = before?.Attributes.GetValueOrDefault(key);
            var now = after.Attributes.GetValueOrDefault(key) ?? "";
            if ((was ?? "") != now) changes.Add(new(AttributePrefix + key, was, now));
        }
        return changes;
    }

    // ---- Reading previews ----

    public async Task<ProductImportView?> GetAsync(Guid id, int rows, CancellationToken ct)
    {
        var import = await db.ProductImports.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (import is null) return null;
        var lines = await db.ProductImportRows.AsNoTracking().Where(r => r.ImportId == id)
            // Rows not applied come first once the import has run: they are what the merchant must look at.
            .OrderBy(r => r.Skipped == null).ThenBy(r => r.Line).Take(Math.Clamp(rows, 0, 5000)).ToListAsync(ct);
        return View(import, lines.Select(r => new ImportRowView(r.Line, r.Sku, r.Action,
            JsonSerializer.Deserialize<List<ImportFieldChange>>(r.Changes, Json) ?? [], r.Done, ProblemJson.Read(r.Skipped), r.PartlyApplied)).ToList());
    }

    public async Task<IReadOnlyList<ProductImportView>> RecentAsync(int take, CancellationToken ct) =>
        (await db.ProductImports.AsNoTracking().OrderByDescending(i => i.CreatedAt).Take(Math.Clamp(take, 1, 100)).ToListAsync(ct))
            .Select(i => View(i, [])).ToList();

    private ProductImportView View(ProductImport i, IReadOnlyList<ImportRowView> rows) =>
        new(i.Id, i.FileName, i.CreatedBy, i.CreatedAt, i.Status, i.Lines, i.Creates, i.Updates, i.Unchanged, i.Done, i.Skipped, i.StartedBy, i.FinishedAt,
            i.Status == ImportStatus.Previewed && i.Creates + i.Updates > 0 && clock.GetUtcNow() - i.CreatedAt < PreviewLasts, rows);

    // ---- Applying ----

    public async Task<ImportStartOutcome> StartAsync(Guid id, string actor, CancellationToken ct)
    {
        if (!await TryStartAsync(id, actor, ct)) return await WhyNotAsync(id, ct);
        try
        {
            jobs.Enqueue<ProductImportJob>(job => job.RunAsync(id, CancellationToken.None));
        }
        catch
        {
            // Not queued: the preview can be applied again.
            await db.ProductImports.Where(i => i.Id == id)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.Status, ImportStatus.Previewed).SetProperty(i => i.StartedBy, (string?)null), CancellationToken.None);
            throw;
        }
        return ImportStartOutcome.Started;
    }

    public async Task<ImportStartOutcome> ApplyNowAsync(Guid id, string actor, CancellationToken ct)
    {
        if (!await TryStartAsync(id, actor, ct)) return await WhyNotAsync(id, ct);
        await job.RunAsync(id, ct);
        return ImportStartOutcome.Started;
    }

    /// <summary>
    /// Moves a preview that can still be applied to "applying", in one statement: of two presses, one
    /// moves it and the other (waiting on the row) then finds nothing to move.
    /// </summary>
    private async Task<bool> TryStartAsync(Guid id, string actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return await db.ProductImports
            .Where(i => i.Id == id && i.Status == ImportStatus.Previewed && i.CreatedAt > now - PreviewLasts && i.Creates + i.Updates > 0)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.Status, ImportStatus.Applying).SetProperty(i => i.StartedBy, actor).SetProperty(i => i.StartedAt, now), ct) == 1;
    }

    private async Task<ImportStartOutcome> WhyNotAsync(Guid id, CancellationToken ct)
    {
        var import = await db.ProductImports.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        return import is null ? ImportStartOutcome.NotFound
            : import.Status != ImportStatus.Previewed ? ImportStartOutcome.AlreadyStarted
            : import.Creates + import.Updates == 0 ? ImportStartOutcome.NothingToDo
            : ImportStartOutcome.Expired;
    }
}
