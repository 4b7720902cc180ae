using Storefront.BuildingBlocks;

namespace Storefront.Catalog.Contracts;

/// <summary>A shopper's own review of a product, as they wrote it (hidden when a merchant hid it).</summary>
public sealed record OwnReview(Guid Id, int Rating, string Title, string Body, string Author, bool Hidden, DateTimeOffset CreatedAt);

/// <summary>A review an account wrote, for the account's copy of its data.</summary>
public sealed record AccountReview(string ProductSku, string ProductTitle, int Rating, string Title, string Body, string Author, DateTimeOffset CreatedAt);

/// <summary>
/// Reviews shoppers write. Whether the shopper may (a verified purchase) is the caller's to decide;
/// this keeps one review per account and product: writing again replaces it, however often or
/// however many at once ask.
/// </summary>
public interface IProductReviews
{
    Task<OwnReview?> OwnAsync(Guid productId, string userId, CancellationToken cancellationToken);

    /// <summary>Saves the account's review of the product (the one it had is replaced); a merchant's hiding stays.</summary>
    Task<CommandResult<Guid>> SubmitAsync(Guid productId, string userId, ReviewInput input, CancellationToken cancellationToken);

    Task<IReadOnlyList<AccountReview>> ForUserAsync(string userId, CancellationToken cancellationToken);

    /// <summary>For an account being deleted: its reviews stay, under the name they were written with, and no longer belong to it.</summary>
    Task<int> ForgetUserAsync(string userId, CancellationToken cancellationToken);
}
