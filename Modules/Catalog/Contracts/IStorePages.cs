using Storefront.BuildingBlocks.Events;

namespace Storefront.Catalog.Contracts;

/// <summary>
/// A store page as the merchant writes it: terms, privacy, shipping and returns, contact. The body
/// is Markdown; raw HTML in it is shown as text, and only web, mail and phone links are kept.
/// </summary>
/// <param name="Summary">One or two sentences for search engines and link previews (may be empty).</param>
/// <param name="InFooter">Linked from every page's footer, in <paramref name="Position"/> order.</param>
/// <param name="AtCheckout">Named beside the button that places an order ("you agree to …").</param>
public sealed record StorePageInput(string Title, string Slug, string Summary, string Body, bool Published, bool InFooter, int Position, bool AtCheckout);

/// <summary>A page for the merchant's form: <paramref name="UpdatedAt"/> is the version a save must still find.</summary>
public sealed record StorePageForEdit(Guid Id, StorePageInput Input, DateTimeOffset UpdatedAt, string? UpdatedBy);

public sealed record StorePageRow(Guid Id, string Title, string Slug, bool Published, bool InFooter, int Position, bool AtCheckout,
    DateTimeOffset UpdatedAt, string? UpdatedBy);

/// <summary>A published page as shoppers see it; <paramref name="Html"/> is the body made safe to show.</summary>
public sealed record StorePageView(string Slug, string Title, string Summary, string Html, DateTimeOffset UpdatedAt);

public sealed record StorePageLink(string Slug, string Title, DateTimeOffset UpdatedAt);

/// <summary>The published pages' links: those of the footer and those named at checkout, each in order.</summary>
public sealed record StorePageLinks(IReadOnlyList<StorePageLink> Footer, IReadOnlyList<StorePageLink> AtCheckout, IReadOnlyList<StorePageLink> All)
{
    public static readonly StorePageLinks None = new([], [], []);
}

/// <summary>A store page was created, changed or deleted (every cached page shows the footer).</summary>
[IntegrationEvent("catalog.store-pages-changed.v1")]
public sealed record StorePagesChangedEvent(Guid PageId, string Slug) : IIntegrationEvent
{
    string IIntegrationEvent.Subject => "store-pages";
}

/// <summary>The published store pages, read from a copy each instance keeps (there are at most <see cref="IStorePagesAdmin.MaxPages"/>).</summary>
public interface IStorePages
{
    Task<StorePageView?> GetAsync(string slug, CancellationToken cancellationToken);

    Task<StorePageLinks> LinksAsync(CancellationToken cancellationToken);
}

/// <summary>The merchant's side: every write runs one at a time for the store and refuses to overwrite a newer version.</summary>
public interface IStorePagesAdmin
{
    public const int MaxPages = 100;
    public const int MaxBody = 50_000;

    Task<IReadOnlyList<StorePageRow>> ListAsync(CancellationToken cancellationToken);

    Task<StorePageForEdit?> GetForEditAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The body as shoppers would see it, for the form's preview.</summary>
    string Preview(string markdown);

    Task<CommandResult<Guid>> CreateAsync(StorePageInput input, string? by, CancellationToken cancellationToken);

    /// <param name="seen">The version the form was opened on; null saves regardless.</param>
    Task<CommandResult<Guid>> UpdateAsync(Guid id, StorePageInput input, DateTimeOffset? seen, string? by, CancellationToken cancellationToken);

    Task<CommandResult<Guid>> DeleteAsync(Guid id, DateTimeOffset? seen, CancellationToken cancellationToken);
}
