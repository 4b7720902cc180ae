using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.BuildingBlocks.Outbox;
using Storefront.Catalog.Contracts;
using Storefront.Catalog.Data;

namespace Storefront.Catalog.Content;

/// <summary>
/// The store pages. Shoppers read them from one copy per instance of every published page, its
/// HTML made once (a page view or a footer costs no query, and an unknown address none either);
/// the copy is dropped by a change made here at once, and on every other instance when the change's
/// <see cref="StorePagesChangedEvent"/> reaches it (<see cref="StorePageEvictions"/>).
/// The merchant's writes take one transaction-scoped advisory lock, so the page count and a
/// version check hold when two merchants press at once.
/// </summary>
internal sealed partial class StorePages(CatalogDbContext db, IMemoryCache cache, TimeProvider clock) : IStorePages, IStorePagesAdmin
{
    internal const string CacheKey = "catalog:store-pages";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    internal sealed record Published(IReadOnlyDictionary<string, StorePageView> BySlug, StorePageLinks Links);

    public async Task<StorePageView?> GetAsync(string slug, CancellationToken cancellationToken) =>
        (await PublishedAsync(cancellationToken)).BySlug.GetValueOrDefault(slug ?? "");

    public async Task<StorePageLinks> LinksAsync(CancellationToken cancellationToken) => (await PublishedAsync(cancellationToken)).Links;

    private async Task<Published> PublishedAsync(CancellationToken ct)
    {
        if (cache.TryGetValue(CacheKey, out Published? kept) && kept is not null) return kept;
        var pages = await db.StorePages.AsNoTracking().Where(p => p.IsPublished)
            .OrderBy(p => p.Position).ThenBy(p => p.Title).ToListAsync(ct);
        var links = pages.Select(p => (Page: p, Link: new StorePageLink(p.Slug, p.Title, p.UpdatedAt))).ToList();
        var published = new Published(
            pages.ToDictionary(p => p.Slug, p => new StorePageView(p.Slug, p.Title, p.Summary, StorePageText.ToHtml(p.Body), p.UpdatedAt), StringComparer.Ordinal),
            new StorePageLinks(
                links.Where(l => l.Page.InFooter).Select(l => l.Link).ToList(),
                links.Where(l => l.Page.AtCheckout).Select(l => l.Link).ToList(),
                links.Select(l => l.Link).ToList()));
        cache.Set(CacheKey, published, Lifetime);
        return published;
    }

    public async Task<IReadOnlyList<StorePageRow>> ListAsync(CancellationToken cancellationToken) =>
        await db.StorePages.AsNoTracking().OrderBy(p => p.Position).ThenBy(p => p.Title)
            .Select(p => new StorePageRow(p.Id, p.Title, p.Slug, p.IsPublished, p.InFooter, p.Position, p.AtCheckout, p.UpdatedAt, p.UpdatedBy))
            .ToListAsync(cancellationToken);

    public async Task<StorePageForEdit?> GetForEditAsync(Guid id, CancellationToken cancellationToken) =>
        await db.StorePages.AsNoTracking().Where(p => p.Id == id)
            .Select(p => new StorePageForEdit(p.Id, new StorePageInput(p.Title, p.Slug, p.Summary, p.Body, p.IsPublished, p.InFooter, p.Position, p.AtCheckout),
                p.UpdatedAt, p.UpdatedBy))
            .FirstOrDefaultAsync(cancellationToken);

    public string Preview(string markdown) => StorePageText.ToHtml((markdown ?? "").Length > IStorePagesAdmin.MaxBody ? markdown![..IStorePagesAdmin.MaxBody] : markdown ?? "");

    public Task<CommandResult<Guid>> CreateAsync(StorePageInput input, string? by, CancellationToken cancellationToken) =>
        WriteAsync(null, Normalised(input), null, by, cancellationToken);

    public Task<CommandResult<Guid>> UpdateAsync(Guid id, StorePageInput input, DateTimeOffset? seen, string? by, CancellationToken cancellationToken) =>
        WriteAsync(id, Normalised(input), seen, by, cancellationToken);

    public async Task<CommandResult<Guid>> DeleteAsync(Guid id, DateTimeOffset? seen, CancellationToken cancellationToken)
    {
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockAsync(cancellationToken);
        var page = await db.StorePages.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (page is null) return CommandResult<Guid>.Fail("", Problem.Of(CatalogProblems.PageGone));
        if (seen is { } version && page.UpdatedAt != version) return CommandResult<Guid>.Fail("", Problem.Of(CatalogProblems.PageChangedMeanwhile));
        db.StorePages.Remove(page);
        db.AddIntegrationEvent(new StorePagesChangedEvent(page.Id, page.Slug), clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        cache.Remove(CacheKey);
        return CommandResult<Guid>.Ok(page.Id);
    }

    private async Task<CommandResult<Guid>> WriteAsync(Guid? id, StorePageInput input, DateTimeOffset? seen, string? by, CancellationToken ct)
    {
        var errors = Check(input);
        if (errors.Count > 0) return new(default, errors);
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await LockAsync(ct);
            StorePage? page;
            var now = clock.GetUtcNow();
            if (id is { } existing)
            {
                page = await db.StorePages.FirstOrDefaultAsync(p => p.Id == existing, ct);
                if (page is null) return CommandResult<Guid>.Fail("", Problem.Of(CatalogProblems.PageGone));
                if (seen is { } version && page.UpdatedAt != version) return CommandResult<Guid>.Fail("", Problem.Of(CatalogProblems.PageChangedMeanwhile));
                // A save within the same microsecond as the last would leave the version unchanged.
                if (now <= page.UpdatedAt) now = page.UpdatedAt.AddTicks(10);
            }
            else
            {
                if (await db.StorePages.CountAsync(ct) >= IStorePagesAdmin.MaxPages)
                    return CommandResult<Guid>.Fail("", Problem.Of(CatalogProblems.TooManyPages, ("max", IStorePagesAdmin.MaxPages)));
                page = new StorePage { Id = Guid.CreateVersion7(now), CreatedAt = now };
                db.StorePages.Add(page);
            }
            if (await db.StorePages.AnyAsync(p => p.Slug == input.Slug && p.Id != page.Id, ct))
                return CommandResult<Guid>.Fail(nameof(StorePageInput.Slug), Problem.Of(CatalogProblems.PageSlugTaken));
            var oldSlug = page.Slug;
            (page.Title, page.Slug, page.Summary, page.Body) = (input.Title, input.Slug, input.Summary, input.Body);
            (page.IsPublished, page.InFooter, page.Position, page.AtCheckout) = (input.Published, input.InFooter, input.Position, input.AtCheckout);
            (page.UpdatedAt, page.UpdatedBy) = (now, by is { Length: > 0 } ? by[..Math.Min(by.Length, 256)] : null);
            db.AddIntegrationEvent(new StorePagesChangedEvent(page.Id, page.Slug), now);
            if (oldSlug.Length > 0 && oldSlug != page.Slug) db.AddIntegrationEvent(new StorePagesChangedEvent(page.Id, oldSlug), now);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            cache.Remove(CacheKey);
            return CommandResult<Guid>.Ok(page.Id);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Only a write that bypassed the lock (another version of the store mid-upgrade) gets here.
            return CommandResult<Guid>.Fail(nameof(StorePageInput.Slug), Problem.Of(CatalogProblems.PageSlugTaken));
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private Task LockAsync(CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('catalog:store-pages'))", ct);

    /// <summary>Trimmed, line ends made one kind, and a blank slug made from the title.</summary>
    private static StorePageInput Normalised(StorePageInput input)
    {
        var title = (input.Title ?? "").Trim();
        var slug = (input.Slug ?? "").Trim();
        return input with
        {
            Title = title,
            Slug = slug.Length > 0 ? slug : Products.Slugs.From(title),
            Summary = (input.Summary ?? "").Trim(),
            Body = (input.Body ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim(),
        };
    }

    private static Dictionary<string, Problem[]> Check(StorePageInput input)
    {
        var errors = new Dictionary<string, Problem[]>(StringComparer.Ordinal);
        if (input.Title.Length == 0) errors[nameof(input.Title)] = [Problem.Of(CatalogProblems.TitleRequired)];
        else if (input.Title.Length > 120) errors[nameof(input.Title)] = [Problem.Of(CatalogProblems.PageTitleTooLong, ("max", 120))];
        if (input.Slug.Length == 0) errors[nameof(input.Slug)] = [Problem.Of(CatalogProblems.SlugRequired)];
        else if (input.Slug.Length > 80 || !SlugPattern().IsMatch(input.Slug)) errors[nameof(input.Slug)] = [Problem.Of(CatalogProblems.SlugInvalid)];
        if (input.Summary.Length > 300) errors[nameof(input.Summary)] = [Problem.Of(CatalogProblems.PageSummaryTooLong, ("max", 300))];
        if (input.Body.Length > IStorePagesAdmin.MaxBody) errors[nameof(input.Body)] = [Problem.Of(CatalogProblems.PageBodyTooLong, ("max", IStorePagesAdmin.MaxBody))];
        if (input.Position is < 0 or > 999) errors[nameof(input.Position)] = [Problem.Of(CatalogProblems.PagePositionInvalid)];
        return errors;
    }

    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();
}

/// <summary>Event consumer "catalog.store-pages" (every instance): forgets this instance's copy of the published pages.</summary>
internal sealed class StorePageEvictions(IMemoryCache cache) : IIntegrationEventHandler<StorePagesChangedEvent>
{
    public const string ConsumerName = "catalog.store-pages";

    public Task HandleAsync(StorePagesChangedEvent e, CancellationToken ct)
    {
        cache.Remove(StorePages.CacheKey);
        return Task.CompletedTask;
    }
}
