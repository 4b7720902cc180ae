using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Data;

namespace Storefront.Catalog.Seeding;

internal sealed class CatalogBulkLoader(CatalogDbContext db, Categories.CategoryTree tree, Listing.CategoryFacets facets, TimeProvider clock) : ICatalogBulkLoader
{
    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken) =>
        !await db.Categories.AnyAsync(cancellationToken);

    public async Task<IReadOnlyDictionary<string, int>> LoadCategoriesAsync(IReadOnlyList<CategorySeed> categories, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var paths = new Dictionary<string, (string Path, int Depth)>(StringComparer.Ordinal);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var order = 0;
        foreach (var seed in categories)
        {
            int? parentId = seed.ParentKey is null ? null : ids[seed.ParentKey];
            var parent = seed.ParentKey is null ? ("/", -1) : paths[seed.ParentKey];
            var category = new Categories.Category
            {
                Name = seed.Name, Slug = seed.Key, ParentId = parentId, Depth = parent.Item2 + 1, SortOrder = order++,
                AttributeDefinitions = seed.Attributes.ToList(), Path = "/",
            };
            db.Categories.Add(category);
            await db.SaveChangesAsync(cancellationToken);
            category.Path = $"{parent.Item1}{category.Id}/";
            ids[seed.Key] = category.Id;
            paths[seed.Key] = (category.Path, category.Depth);
        }
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        tree.Invalidate();
        return ids;
    }

    public async Task<long> LoadProductsAsync(IEnumerable<ProductSeed> products, CancellationToken cancellationToken)
    {
        var snapshot = await tree.GetAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var images = new List<(Guid Id, int Position, ProductImage Image)>();
            var reviews = new List<(Guid ProductId, ReviewSeed Review)>();
            var listing = new List<(string Sku, decimal Price, string Currency, int Available, Guid ProductId, int CategoryId)>();
            long count = 0;
            var now = clock.GetUtcNow();
            await using (var writer = await connection.BeginBinaryImportAsync("""
                COPY catalog.products (id, sku, slug, title, description, brand, category_id, category_path, attributes,
                                       is_published, created_at, updated_at, average_rating, review_count)
                FROM STDIN (FORMAT BINARY)
                """, cancellationToken))
            {
                foreach (var p in products)
                {
                    var path = snapshot.ById[p.CategoryId].Path;
                    var visible = p.Reviews.Count;
                    var average = visible == 0 ? 0m : Math.Round((decimal)p.Reviews.Average(r => r.Rating), 2);
                    await writer.StartRowAsync(cancellationToken);
                    await writer.WriteAsync(p.Id, NpgsqlDbType.Uuid, cancellationToken);
                    await writer.WriteAsync(p.Sku, NpgsqlDbType.Varchar, cancellationToken);
                    await writer.WriteAsync(p.Slug, NpgsqlDbType.Varchar, cancellationToken);
                    await writer.WriteAsync(p.Title, NpgsqlDbType.Varchar, cancellationToken);
                    await writer.WriteAsync(p.Description, NpgsqlDbType.Varchar, cancellationToken);
                    await writer.WriteAsync(p.Brand, NpgsqlDbType.Varchar, cancellationToken);
                    await writer.WriteAsync(p.CategoryId, NpgsqlDbType.Integer, cancellationToken);
                    await writer.WriteAsync(path, NpgsqlDbType.Varchar, cancellationToken);
                    await writer.WriteAsync(JsonSerializer.Serialize(p.Attributes), NpgsqlDbType.Jsonb, cancellationToken);
                    await writer.WriteAsync(true, NpgsqlDbType.Boolean, cancellationToken);
                    await writer.WriteAsync(p.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                    await writer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
                    await writer.WriteAsync(average, NpgsqlDbType.Numeric, cancellationToken);
                    await writer.WriteAsync(visible, NpgsqlDbType.Integer, cancellationToken);
                    for (var i = 0; i < p.Images.Count; i++) images.Add((p.Id, i, p.Images[i]));
                    foreach (var r in p.Reviews) reviews.Add((p.Id, r));
                    listing.Add((p.Sku, p.Price, p.Currency, p.OnHand, p.Id, p.CategoryId));
                    count++;
                }
                await writer.CompleteAsync(cancellationToken);
            }

            await using (var writer = await connection.BeginBinaryImportAsync(
                "COPY catalog.product_images (product_id, position, url, alt_text) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                foreach (var (id, position, image) in images)
                {
                    await writer.StartRowAsync(cancellationToken);
                    await writer.WriteAsync(id, NpgsqlDbType.Uuid, cancellationToken);
                    await writer.WriteAsync(position, NpgsqlDbType.Integer, cancellationToken);
                    await writer.WriteAsync(image.Url, NpgsqlDbType.Varchar, cancellationToken);
                    await writer.WriteAsync(image.AltText, NpgsqlDbType.Varchar, cancellationToken);
                }
                await writer.CompleteAsync(cancellationToken);
            }

            await using (var writer = await connection.BeginBinaryImportAsync(
                "COPY catalog.reviews (id, product_id, rating, title, body, author, created_at, is_hidden) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                foreach (var (productId, r) in reviews)
                {
                    await writer.StartRowAsync(cancellationToken);
                    await writer.WriteAsync(Guid.CreateVersion7(r.CreatedAt), NpgsqlDbType.Uuid, cancellationToken);
                    await writer.WriteAsync(productId, NpgsqlDbType.Uuid, cancellationToken);
                    await writer.WriteAsync(r.Rating, NpgsqlDbType.Integer, cancellationToken);
                    await writer.WriteAsync(r.Title, NpgsqlDbType.Varchar, cancellationToken);
                    await writer.WriteAsync(r.Body, NpgsqlDbType.Varchar, cancellationToken);
                    await writer.WriteAsync(r.Author, NpgsqlDbType.Varchar, cancellationToken);
                    await writer.WriteAsync(r.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                    await writer.WriteAsync(false, NpgsqlDbType.Boolean, cancellationToken);
                }
                await writer.CompleteAsync(cancellationToken);
            }

            // The listing copy is what Inventory's events would produce; writing it here spares a
            // million outbox rows on a bulk load.
            await using (var writer = await connection.BeginBinaryImportAsync(
                "COPY catalog.listing_prices (sku, price, currency, available, product_id, category_id, published) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                foreach (var (sku, price, currency, available, productId, categoryId) in listing)
                {
                    await writer.StartRowAsync(cancellationToken);
                    await writer.WriteAsync(sku, NpgsqlDbType.Varchar, cancellationToken);
                    await writer.WriteAsync(price, NpgsqlDbType.Numeric, cancellationToken);
                    await writer.WriteAsync(currency, NpgsqlDbType.Char, cancellationToken);
                    await writer.WriteAsync(available, NpgsqlDbType.Integer, cancellationToken);
                    await writer.WriteAsync(productId, NpgsqlDbType.Uuid, cancellationToken);
                    await writer.WriteAsync(categoryId, NpgsqlDbType.Integer, cancellationToken);
                    await writer.WriteAsync(true, NpgsqlDbType.Boolean, cancellationToken);
                }
                await writer.CompleteAsync(cancellationToken);
            }
            return count;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public async Task AnalyzeAsync(CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlRawAsync("ANALYZE catalog.products; ANALYZE catalog.listing_prices; ANALYZE catalog.product_images; ANALYZE catalog.reviews;", cancellationToken);
        await facets.RefreshAllAsync(cancellationToken);
    }
}
