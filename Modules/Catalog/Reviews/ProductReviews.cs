using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Storefront.BuildingBlocks;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Catalog.Browsing;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Data;

namespace Storefront.Catalog.Reviews;

/// <summary>The rules every review follows, whoever adds it, and the product's rating they make.</summary>
internal static class ReviewRules
{
    public static CommandResult<Guid>? Refusal(ReviewInput input) =>
        input.Rating is < 1 or > 5 ? CommandResult<Guid>.Fail(nameof(input.Rating), Problem.Of(CatalogProblems.RatingInvalid))
        : string.IsNullOrWhiteSpace(input.Author) || input.Author.Trim().Length > 100 ? CommandResult<Guid>.Fail(nameof(input.Author), Problem.Of(CatalogProblems.AuthorInvalid))
        : (input.Title ?? "").Trim().Length > 200 || (input.Body ?? "").Trim().Length > 5000 ? CommandResult<Guid>.Fail(nameof(input.Body), Problem.Of(CatalogProblems.ReviewTooLong))
        : null;

    /// <summary>Recounts the product's rating from its visible reviews and announces it, in the caller's transaction.</summary>
    public static async Task RefreshRatingAsync(CatalogDbContext db, Guid productId, DateTimeOffset now, CancellationToken ct)
    {
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE catalog.products p SET
                review_count = s.n, average_rating = s.avg
            FROM (SELECT count(*)::int AS n, coalesce(round(avg(rating)::numeric, 2), 0) AS avg
                  FROM catalog.reviews WHERE product_id = {productId} AND NOT is_hidden) s
            WHERE p.id = {productId}
            """, ct);
        var stats = await db.Products.AsNoTracking().Where(p => p.Id == productId)
            .Select(p => new { p.AverageRating, p.ReviewCount }).FirstAsync(ct);
        db.AddIntegrationEvent(new ReviewsChangedEvent(productId, stats.AverageRating, stats.ReviewCount), now);
        await db.SaveChangesAsync(ct);
    }
}

internal sealed class ProductReviews(CatalogDbContext db, IMemoryCache cache, TimeProvider clock) : IProductReviews
{
    public async Task<OwnReview?> OwnAsync(Guid productId, string userId, CancellationToken ct) =>
        await db.Reviews.AsNoTracking().Where(r => r.ProductId == productId && r.UserId == userId)
            .Select(r => new OwnReview(r.Id, r.Rating, r.Title, r.Body, r.Author, r.IsHidden, r.CreatedAt)).FirstOrDefaultAsync(ct);

    public async Task<CommandResult<Guid>> SubmitAsync(Guid productId, string userId, ReviewInput input, CancellationToken ct)
    {
        if (ReviewRules.Refusal(input) is { } refused) return refused;
        if (string.IsNullOrEmpty(userId)) return CommandResult<Guid>.Fail("", Problem.Of(CatalogProblems.ProductGone));
        var slug = await db.Products.AsNoTracking().Where(p => p.Id == productId).Select(p => p.Slug).FirstOrDefaultAsync(ct);
        if (slug is null) return CommandResult<Guid>.Fail("", Problem.Of(CatalogProblems.ProductGone));
        var now = clock.GetUtcNow();
        var (title, body, author) = ((input.Title ?? "").Trim(), (input.Body ?? "").Trim(), input.Author.Trim());
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // One review per account and product (a unique index): a second sending, or two at once,
        // replace the first rather than add another.
        var id = await db.Database.SqlQuery<Guid>($"""
            INSERT INTO catalog.reviews (id, product_id, user_id, rating, title, body, author, created_at, is_hidden)
            VALUES ({Guid.CreateVersion7(now)}, {productId}, {userId}, {input.Rating}, {title}, {body}, {author}, {now}, false)
            ON CONFLICT (product_id, user_id) WHERE user_id IS NOT NULL
            DO UPDATE SET rating = excluded.rating, title = excluded.title, body = excluded.body, author = excluded.author
            RETURNING id AS "Value"
            """).ToListAsync(ct);
        await ReviewRules.RefreshRatingAsync(db, productId, now, ct);
        await tx.CommitAsync(ct);
        cache.EvictProduct(slug, productId);
        return CommandResult<Guid>.Ok(id[0]);
    }

    public async Task<IReadOnlyList<AccountReview>> ForUserAsync(string userId, CancellationToken ct) =>
        await db.Reviews.AsNoTracking().Where(r => r.UserId == userId).OrderByDescending(r => r.CreatedAt)
            .Join(db.Products, r => r.ProductId, p => p.Id, (r, p) => new AccountReview(p.Sku, p.Title, r.Rating, r.Title, r.Body, r.Author, r.CreatedAt))
            .ToListAsync(ct);

    public Task<int> ForgetUserAsync(string userId, CancellationToken ct) =>
        db.Reviews.Where(r => r.UserId == userId).ExecuteUpdateAsync(u => u.SetProperty(r => r.UserId, (string?)null), ct);
}
