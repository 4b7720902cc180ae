using System.Text.Json;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Catalog.Browsing;
using Storefront.Catalog.Categories;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Data;
using Storefront.Catalog.Reviews;
using Storefront.Inventory.Contracts;

namespace Storefront.Catalog.Products;

internal sealed class CatalogAdmin(
    CatalogDbContext db,
    CategoryTree tree,
    IValidator<ProductInput> validator,
    TimeProvider clock,
    IMemoryCache cache,
    Listing.CategoryFacets facets,
    IPricesAndStock inventory,
    IOptions<StoreCurrencyOptions> store) : ICatalogAdmin
{
    public const int MaxImages = 12;

    public async Task<Paged<AdminProductRow>> ListProductsAsync(AdminProductQuery query, CancellationToken cancellationToken)
    {
        var pageSize = Math.Clamp(query.PageSize, 1, 100);
        var products = db.Products.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = query.Search.Trim();
            var pattern = "%" + term.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            products = products.Where(p => EF.Functions.ILike(p.Title, pattern) || p.Sku == term);
        }
        var snapshot = await tree.GetAsync(cancellationToken);
        if (query.CategoryId is { } categoryId && snapshot.ById.TryGetValue(categoryId, out var category))
        {
            var path = category.Path;
            products = products.Where(p => p.CategoryPath.StartsWith(path));
        }
        if (query.Published is { } published) products = products.Where(p => p.IsPublished == published);

        var total = await products.Take(100_001).LongCountAsync(cancellationToken);
        var page = Paging.Within(query.Page, pageSize, total);
        var items = await RowsAsync(products.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id)
            .Skip((page - 1) * pageSize).Take(pageSize), snapshot, cancellationToken);
        return new Paged<AdminProductRow>(items, page, pageSize, total);
    }

    public async Task<IReadOnlyDictionary<string, AdminProductRow>> ProductsBySkuAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        var wanted = skus.Where(s => !string.IsNullOrEmpty(s) && s.Length <= 64).Distinct(StringComparer.Ordinal).Take(500).ToArray();
        if (wanted.Length == 0) return new Dictionary<string, AdminProductRow>();
        var rows = await RowsAsync(db.Products.AsNoTracking().Where(p => wanted.Contains(p.Sku)), await tree.GetAsync(cancellationToken), cancellationToken);
        return rows.ToDictionary(r => r.Sku, StringComparer.Ordinal);
    }

    private static async Task<List<AdminProductRow>> RowsAsync(IQueryable<Product> products, CategoryTree.Snapshot snapshot, CancellationToken cancellationToken)
    {
        var rows = await products.Select(p => new { p.Id, p.Sku, p.Title, p.Brand, p.CategoryId, p.IsPublished, p.CreatedAt }).ToListAsync(cancellationToken);
        return rows.Select(r => new AdminProductRow(r.Id, r.Sku, r.Title, r.Brand,
            snapshot.ById.TryGetValue(r.CategoryId, out var c) ? snapshot.PathName(c) : "?", r.IsPublished, r.CreatedAt)).ToList();
    }

    public async Task<ProductForEdit?> GetProductForEditAsync(Guid id, CancellationToken cancellationToken)
    {
        var p = await db.Products.AsNoTracking().Include(x => x.Images.OrderBy(i => i.Position))
            .FirstOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (p is null) return null;
        var attributes = JsonSerializer.Deserialize<Dictionary<string, string>>(p.Attributes) ?? [];
        return new ProductForEdit(p.Id,
            new ProductInput(p.Sku, p.Title, p.Slug, p.Description, p.Brand, p.CategoryId, attributes, p.IsPublished),
            p.Images.Select(i => new ProductImage(i.Url, i.AltText)).ToList(), p.CreatedAt, p.UpdatedAt);
    }

    public async Task<CommandResult<Guid>> CreateProductAsync(ProductInput input, InitialStock stock, CancellationToken cancellationToken)
    {
        var errors = await ValidateAsync(null, input, cancellationToken);
        if (stock.Price < 0 || stock.Price > MaxPrice || decimal.Round(stock.Price, 2) != stock.Price)
            errors["Price"] = [Problem.Of(CatalogProblems.PriceInvalid)];
        if (stock.OnHand is < 0 or > MaxOnHand)
            errors["OnHand"] = [Problem.Of(CatalogProblems.OnHandInvalid)];
        if (errors.Count > 0) return new(default, errors);
        var snapshot = await tree.GetAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var product = new Product
        {
            Id = Guid.CreateVersion7(now),
            CreatedAt = now,
        };
        Apply(product, input, snapshot.ById[input.CategoryId], now);
        var price = new Money(stock.Price, store.Value.Currency);
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
            // One creation per SKU at a time, until this transaction ends: a twin request (double
            // click, two merchants) waits here and then finds the product, so the price Inventory
            // keeps is the one of the product that was made.
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"SELECT pg_advisory_xact_lock(hashtextextended({"catalog:new-product:" + product.Sku}, 0))", cancellationToken);
            if (await db.Products.AnyAsync(p => p.Sku == product.Sku, cancellationToken))
                return CommandResult<Guid>.Fail(nameof(ProductInput.Sku), Problem.Of(CatalogProblems.SkuTaken));
            // Price and stock first, committed by Inventory: a SKU without a product is invisible to
            // shoppers, so a failure after this leaves nothing they can see, and the next attempt
            // sets the SKU again. The product then commits with its listing price, never without it.
            var started = await inventory.StartSkuAsync(new SkuSeed(product.Sku, price.Amount, price.Currency, stock.OnHand),
                new StockChangeContext("catalog", "Initial stock"), cancellationToken);
            if (!started.Succeeded)
                return CommandResult<Guid>.Fail(started.Field ?? "Price", started.Problem ?? Problem.Of(CatalogProblems.StockNotSaved));
            db.Products.Add(product);
            db.AddIntegrationEvent(new ProductChangedEvent(product.Id, product.Sku, product.IsPublished), now);
            await db.SaveChangesAsync(cancellationToken);
            await SyncListingAsync(product, (price, stock.OnHand), cancellationToken);
            if (product.IsPublished) await facets.MarkStaleAsync([product.CategoryId], cancellationToken);
            await tx.CommitAsync(cancellationToken);
            return CommandResult<Guid>.Ok(product.Id);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg)
        {
            db.ChangeTracker.Clear();
            return UniqueFieldTaken(pg);
        }
    }

    // Inventory's limits, checked here too so that a bad price stops the creation before any write.
    private const decimal MaxPrice = 9_999_999_999.99m;
    private const int MaxOnHand = 1_000_000_000;

    public async Task<CommandResult<Guid>> UpdateProductAsync(Guid id, ProductInput input, DateTimeOffset? seen, CancellationToken cancellationToken)
    {
        var product = await db.Products.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (product is null) return CommandResult<Guid>.Fail("", Problem.Of(CatalogProblems.ProductGone));
        var errors = await ValidateAsync(id, input, cancellationToken);
        if (errors.Count > 0) return new(default, errors);
        var snapshot = await tree.GetAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var oldSlug = product.Slug;
        var counted = (product.IsPublished, product.CategoryId, product.Brand, product.Attributes);
        Apply(product, input, snapshot.ById[input.CategoryId], now);
        // The categories whose counts this edit changes: where it was and where it is, if it was or is shown.
        int[] stale = counted != (product.IsPublished, product.CategoryId, product.Brand, product.Attributes) && (counted.IsPublished || product.IsPublished)
            ? [counted.CategoryId, product.CategoryId]
            : [];
        db.AddIntegrationEvent(new ProductChangedEvent(product.Id, product.Sku, product.IsPublished), now);
        var saved = await SaveAsync(product, seen, stale, cancellationToken);
        cache.EvictProduct(oldSlug, product.Id);
        cache.EvictProduct(product.Slug, product.Id);
        return saved;
    }

    private async Task EvictAsync(Guid productId, CancellationToken ct)
    {
        var slug = await db.Products.Where(p => p.Id == productId).Select(p => p.Slug).FirstOrDefaultAsync(ct);
        cache.EvictProduct(slug, productId);
    }

    private static void Apply(Product product, ProductInput input, Category category, DateTimeOffset now)
    {
        product.Sku = input.Sku.Trim();
        product.Title = input.Title.Trim();
        product.Slug = input.Slug.Trim();
        product.Description = input.Description.Trim();
        product.Brand = input.Brand.Trim();
        product.CategoryId = category.Id;
        product.CategoryPath = category.Path;
        product.Attributes = JsonSerializer.Serialize(input.Attributes
            .Where(kv => !string.IsNullOrWhiteSpace(kv.Value))
            .ToDictionary(kv => kv.Key, kv => kv.Value.Trim()));
        product.IsPublished = input.Published;
        product.UpdatedAt = now;
    }

    /// <summary>The input's problems that need no look-up of other products (SKU and slug taken are checked by the caller), by field.</summary>
    internal static async Task<Dictionary<string, Problem[]>> ShapeErrorsAsync(IValidator<ProductInput> validator, CategoryTree.Snapshot snapshot, ProductInput input, CancellationToken ct)
    {
        var result = await validator.ValidateAsync(input, ct);
        var errors = result.Errors.GroupBy(e => e.PropertyName.Split('[')[0])
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorCode).Distinct().Select(Problem.Of).ToArray());
        snapshot.ById.TryGetValue(input.CategoryId, out var category);
        if (input.CategoryId > 0 && category is null)
        {
            errors[nameof(ProductInput.CategoryId)] = [Problem.Of(CatalogProblems.CategoryMissing)];
        }
        else if (category is not null)
        {
            var definitions = snapshot.EffectiveAttributes(category);
            foreach (var (key, value) in input.Attributes.Where(kv => !string.IsNullOrWhiteSpace(kv.Value)))
            {
                var definition = definitions.FirstOrDefault(d => d.Key == key);
                if (definition is null)
                    errors[$"Attributes.{key}"] = [Problem.Of(CatalogProblems.NotAnAttribute, ("key", key))];
                else if (definition.Kind == AttributeKind.Choice && !definition.Options.Contains(value.Trim()))
                    errors[$"Attributes.{key}"] = [Problem.Of(CatalogProblems.AttributeChoice, ("options", definition.Options))];
                else if (definition.Kind == AttributeKind.Number && !decimal.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _))
                    errors[$"Attributes.{key}"] = [Problem.Of(CatalogProblems.AttributeNumber, ("label", definition.Label))];
            }
        }
        return errors;
    }

    private async Task<Dictionary<string, Problem[]>> ValidateAsync(Guid? id, ProductInput input, CancellationToken ct)
    {
        var errors = await ShapeErrorsAsync(validator, await tree.GetAsync(ct), input, ct);
        if (!errors.ContainsKey(nameof(ProductInput.Sku)) && await db.Products.AnyAsync(p => p.Sku == input.Sku.Trim() && p.Id != id, ct))
            errors[nameof(ProductInput.Sku)] = [Problem.Of(CatalogProblems.SkuTaken)];
        if (!errors.ContainsKey(nameof(ProductInput.Slug)) && await db.Products.AnyAsync(p => p.Slug == input.Slug.Trim() && p.Id != id, ct))
            errors[nameof(ProductInput.Slug)] = [Problem.Of(CatalogProblems.SlugTaken)];
        return errors;
    }

    /// <summary>
    /// Saves the product and its listing row in one transaction, turning a unique-index race (two
    /// merchants, same SKU) into a field error. With <paramref name="seen"/>, the product's row is
    /// locked first and the save refused when it was saved after that time: of two merchants saving
    /// edits of one version, the second waits for the first and is then told.
    /// </summary>
    private async Task<CommandResult<Guid>> SaveAsync(Product product, DateTimeOffset? seen, IReadOnlyCollection<int> staleCategories, CancellationToken ct)
    {
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (seen is { } version)
            {
                var current = await db.Database.SqlQuery<DateTimeOffset>(
                    $"SELECT updated_at AS \"Value\" FROM catalog.products WHERE id = {product.Id} FOR UPDATE").SingleOrDefaultAsync(ct);
                if (current != version)
                {
                    db.ChangeTracker.Clear();
                    return CommandResult<Guid>.Fail("", Problem.Of(CatalogProblems.ProductChangedMeanwhile));
                }
            }
            await db.SaveChangesAsync(ct);
            await SyncListingAsync(product, null, ct);
            await facets.MarkStaleAsync(staleCategories, ct);
            await tx.CommitAsync(ct);
            return CommandResult<Guid>.Ok(product.Id);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg)
        {
            db.ChangeTracker.Clear();
            return UniqueFieldTaken(pg);
        }
    }

    private static CommandResult<Guid> UniqueFieldTaken(PostgresException pg)
    {
        var field = pg.ConstraintName?.Contains("slug", StringComparison.Ordinal) == true ? nameof(ProductInput.Slug) : nameof(ProductInput.Sku);
        return CommandResult<Guid>.Fail(field, Problem.Of(field == nameof(ProductInput.Slug) ? CatalogProblems.SlugTaken : CatalogProblems.SkuTaken));
    }

    /// <summary>
    /// Points the SKU's listing row at the product, its category and published flag. A new product
    /// brings its price and stock (<paramref name="created"/>); otherwise price and availability stay
    /// as Inventory's events set them.
    /// </summary>
    private async Task SyncListingAsync(Product product, (Money Price, int OnHand)? created, CancellationToken ct)
    {
        // A product whose SKU changed leaves its old listing row behind, unlisted.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE catalog.listing_prices SET product_id = NULL, published = false
            WHERE product_id = {product.Id} AND sku <> {product.Sku}
            """, ct);
        var (price, available) = created is { } c ? (c.Price, c.OnHand) : (new Money(0m, store.Value.Currency), 0);
        var withPrice = created is not null;
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO catalog.listing_prices (sku, price, currency, available, product_id, category_id, published)
            VALUES ({product.Sku}, {price.Amount}, {price.Currency}, {available}, {product.Id}, {product.CategoryId}, {product.IsPublished})
            ON CONFLICT (sku) DO UPDATE SET product_id = excluded.product_id, category_id = excluded.category_id, published = excluded.published,
                price = CASE WHEN {withPrice} THEN excluded.price ELSE listing_prices.price END,
                currency = CASE WHEN {withPrice} THEN excluded.currency ELSE listing_prices.currency END,
                available = CASE WHEN {withPrice} THEN excluded.available ELSE listing_prices.available END
            """, ct);
    }

    public async Task<bool> SetPublishedAsync(Guid id, bool published, CancellationToken cancellationToken)
    {
        var product = await db.Products.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (product is null) return false;
        if (product.IsPublished == published) return true;
        var now = clock.GetUtcNow();
        product.IsPublished = published;
        product.UpdatedAt = now;
        db.AddIntegrationEvent(new ProductChangedEvent(product.Id, product.Sku, published), now);
        await using (var tx = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
            await SyncListingAsync(product, null, cancellationToken);
            await facets.MarkStaleAsync([product.CategoryId], cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        cache.EvictProduct(product.Slug, product.Id);
        return true;
    }

    public async Task<bool> AddImageAsync(Guid id, ProductImage image, CancellationToken cancellationToken)
    {
        var product = await db.Products.Include(p => p.Images).FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (product is null || product.Images.Count >= MaxImages) return false;
        var now = clock.GetUtcNow();
        product.Images.Add(new ProductImageRow
        {
            ProductId = id,
            Position = product.Images.Count == 0 ? 0 : product.Images.Max(i => i.Position) + 1,
            Url = image.Url,
            AltText = image.AltText.Length > 300 ? image.AltText[..300] : image.AltText,
        });
        product.UpdatedAt = now;
        db.AddIntegrationEvent(new ProductChangedEvent(product.Id, product.Sku, product.IsPublished), now);
        await db.SaveChangesAsync(cancellationToken);
        cache.EvictProduct(product.Slug, product.Id);
        return true;
    }

    public async Task<bool> RemoveImageAsync(Guid id, string url, CancellationToken cancellationToken)
    {
        var deleted = await db.ProductImages.Where(i => i.ProductId == id && i.Url == url).ExecuteDeleteAsync(cancellationToken);
        await EvictAsync(id, cancellationToken);
        return deleted > 0;
    }

    public async Task<IReadOnlyList<AdminCategoryRow>> ListCategoriesAsync(CancellationToken cancellationToken)
    {
        var snapshot = await tree.GetAsync(cancellationToken);
        var rows = new List<AdminCategoryRow>();
        Walk(null);
        return rows;

        void Walk(int? parentId)
        {
            foreach (var c in snapshot.ChildrenOf(parentId))
            {
                rows.Add(new AdminCategoryRow(c.Id, c.ParentId, c.Name, c.Slug, c.Depth, snapshot.PathName(c)));
                Walk(c.Id);
            }
        }
    }

    public async Task<IReadOnlyList<AttributeDefinition>> GetCategoryAttributesAsync(int categoryId, CancellationToken cancellationToken)
    {
        var snapshot = await tree.GetAsync(cancellationToken);
        return snapshot.ById.TryGetValue(categoryId, out var c) ? snapshot.EffectiveAttributes(c) : [];
    }

    public async Task<CommandResult<int>> CreateCategoryAsync(string name, int? parentId, CancellationToken cancellationToken)
    {
        name = (name ?? "").Trim();
        if (name.Length is 0 or > 100) return CommandResult<int>.Fail("Name", Problem.Of(CatalogProblems.CategoryNameInvalid));
        var snapshot = await tree.GetAsync(cancellationToken);
        Category? parent = null;
        if (parentId is { } pid && !snapshot.ById.TryGetValue(pid, out parent))
            return CommandResult<int>.Fail("ParentId", Problem.Of(CatalogProblems.ParentMissing));
        var slug = UniqueSlug(snapshot, parent is null ? Slugs.From(name) : $"{parent.Slug}-{Slugs.From(name)}");
        if (slug.Length == 0) return CommandResult<int>.Fail("Name", Problem.Of(CatalogProblems.CategoryNameNoLetters));
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var category = new Category { Name = name, Slug = slug, ParentId = parent?.Id, Depth = (parent?.Depth ?? -1) + 1, Path = "/" };
        db.Categories.Add(category);
        await db.SaveChangesAsync(cancellationToken);
        category.Path = $"{parent?.Path ?? "/"}{category.Id}/";
        db.AddIntegrationEvent(new CategoriesChangedEvent(category.Id), clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        tree.Invalidate();
        return CommandResult<int>.Ok(category.Id);
    }

    private static string UniqueSlug(CategoryTree.Snapshot snapshot, string slug)
    {
        if (slug.Length > 110) slug = slug[..110].TrimEnd('-');
        var candidate = slug;
        for (var i = 2; snapshot.BySlug.ContainsKey(candidate); i++) candidate = $"{slug}-{i}";
        return candidate;
    }

    public async Task<CommandResult<int>> RenameCategoryAsync(int id, string name, CancellationToken cancellationToken)
    {
        name = (name ?? "").Trim();
        if (name.Length is 0 or > 100) return CommandResult<int>.Fail("Name", Problem.Of(CatalogProblems.CategoryNameInvalid));
        var category = await db.Categories.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (category is null) return CommandResult<int>.Fail("", Problem.Of(CatalogProblems.CategoryGone));
        category.Name = name;
        db.AddIntegrationEvent(new CategoriesChangedEvent(id), clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        tree.Invalidate();
        return CommandResult<int>.Ok(id);
    }

    /// <summary>
    /// Moves a category with its whole subtree: one statement rewrites the paths of the categories
    /// and one the copies on their products, in a single transaction.
    /// </summary>
    public async Task<CommandResult<int>> MoveCategoryAsync(int id, int? newParentId, CancellationToken cancellationToken)
    {
        tree.Invalidate();
        var snapshot = await tree.GetAsync(cancellationToken);
        if (!snapshot.ById.TryGetValue(id, out var category)) return CommandResult<int>.Fail("", Problem.Of(CatalogProblems.CategoryGone));
        Category? parent = null;
        if (newParentId is { } pid)
        {
            if (!snapshot.ById.TryGetValue(pid, out parent)) return CommandResult<int>.Fail("ParentId", Problem.Of(CatalogProblems.ParentMissing));
            if (parent.Path.StartsWith(category.Path, StringComparison.Ordinal))
                return CommandResult<int>.Fail("ParentId", Problem.Of(CatalogProblems.ParentInsideItself));
        }
        if (category.ParentId == newParentId) return CommandResult<int>.Ok(id);
        var oldPath = category.Path;
        var newPath = $"{parent?.Path ?? "/"}{category.Id}/";
        var depthShift = (parent?.Depth ?? -1) + 1 - category.Depth;
        var like = oldPath + "%";
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE catalog.categories SET parent_id = {newParentId} WHERE id = {id}", cancellationToken);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE catalog.categories SET path = {newPath} || substr(path, {oldPath.Length + 1}), depth = depth + {depthShift}
            WHERE path LIKE {like}
            """, cancellationToken);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE catalog.products SET category_path = {newPath} || substr(category_path, {oldPath.Length + 1})
            WHERE category_path LIKE {like}
            """, cancellationToken);
        db.AddIntegrationEvent(new CategoriesChangedEvent(id), clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        tree.Invalidate();
        await facets.InvalidateAllAsync(cancellationToken);
        return CommandResult<int>.Ok(id);
    }

    public async Task<Paged<AdminReviewRow>> ListReviewsAsync(bool? hidden, int page, int pageSize, CancellationToken cancellationToken)
    {
        pageSize = Math.Clamp(pageSize, 1, 100);
        var reviews = db.Reviews.AsNoTracking();
        if (hidden is { } h) reviews = reviews.Where(r => r.IsHidden == h);
        var total = await reviews.LongCountAsync(cancellationToken);
        page = Paging.Within(page, pageSize, total);
        var rows = await (from r in reviews
                          join p in db.Products on r.ProductId equals p.Id
                          orderby r.CreatedAt descending, r.Id
                          select new AdminReviewRow(r.Id, r.ProductId, p.Title, r.Rating, r.Title, r.Author, r.CreatedAt, r.IsHidden))
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return new Paged<AdminReviewRow>(rows, page, pageSize, total);
    }

    public async Task<CommandResult<Guid>> AddReviewAsync(Guid productId, ReviewInput input, CancellationToken cancellationToken)
    {
        if (Reviews.ReviewRules.Refusal(input) is { } refused) return refused;
        if (!await db.Products.AnyAsync(p => p.Id == productId, cancellationToken)) return CommandResult<Guid>.Fail("", Problem.Of(CatalogProblems.ProductGone));
        var now = clock.GetUtcNow();
        var review = new Review
        {
            Id = Guid.CreateVersion7(now), ProductId = productId, Rating = input.Rating, Title = input.Title.Trim(),
            Body = input.Body.Trim(), Author = input.Author.Trim(), CreatedAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Reviews.Add(review);
        await db.SaveChangesAsync(cancellationToken);
        await RefreshRatingAsync(productId, now, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        await EvictAsync(productId, cancellationToken);
        return CommandResult<Guid>.Ok(review.Id);
    }

    public async Task<bool> SetReviewHiddenAsync(Guid reviewId, bool hidden, CancellationToken cancellationToken)
    {
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var review = await db.Reviews.FirstOrDefaultAsync(r => r.Id == reviewId, cancellationToken);
        if (review is null) return false;
        review.IsHidden = hidden;
        await db.SaveChangesAsync(cancellationToken);
        await RefreshRatingAsync(review.ProductId, clock.GetUtcNow(), cancellationToken);
        await tx.CommitAsync(cancellationToken);
        await EvictAsync(review.ProductId, cancellationToken);
        return true;
    }

    /// <summary>
    /// Recomputes the product's average and count from its visible reviews inside the caller's
    /// transaction; the row lock of the UPDATE serializes concurrent reviews of one product.
    /// </summary>
    private Task RefreshRatingAsync(Guid productId, DateTimeOffset now, CancellationToken ct) =>
        Reviews.ReviewRules.RefreshRatingAsync(db, productId, now, ct);
}
