namespace Storefront.Search.Contracts;

/// <summary>
/// What a shopper's words mean: the text to match, a price range, a brand and the category the
/// query most likely means ("bluetooth headphones under $100" → text "bluetooth headphones",
/// price below 100, category headphones).
/// </summary>
public sealed record ParsedQuery(string Text, decimal? MinPrice, decimal? MaxPrice, string? Brand, string? CategorySlug)
{
    public bool IsEmpty => Text.Length == 0 && MinPrice is null && MaxPrice is null && Brand is null;
}

/// <summary>A category the parser can recognise by name.</summary>
public sealed record CategoryName(string Slug, string Name);
