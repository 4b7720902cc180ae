namespace Storefront.Cart.Contracts;

public enum SavedOutcome
{
    Saved,
    AlreadySaved,
    /// <summary>The account has <see cref="ISavedProducts.MaxPerAccount"/> saved already.</summary>
    TooMany,
}

public sealed record SavedProduct(string Sku, DateTimeOffset SavedAt);

/// <summary>
/// "Save for later": the products a signed-in shopper keeps to come back to, newest first, at most
/// <see cref="MaxPerAccount"/>. Saving twice keeps one; the caller checks that the product is on sale.
/// </summary>
public interface ISavedProducts
{
    public const int MaxPerAccount = 200;

    Task<SavedOutcome> SaveAsync(string userId, string sku, CancellationToken cancellationToken);

    /// <summary>False when it was not saved (removed already).</summary>
    Task<bool> RemoveAsync(string userId, string sku, CancellationToken cancellationToken);

    Task<IReadOnlyList<SavedProduct>> ForUserAsync(string userId, CancellationToken cancellationToken);

    /// <summary>For an account being deleted: its saved products go; how many.</summary>
    Task<int> ForgetUserAsync(string userId, CancellationToken cancellationToken);
}
