namespace Storefront.BuildingBlocks;

/// <summary>Page numbers as a list's links and its visitors send them.</summary>
public static class Paging
{
    /// <summary>
    /// The page to show for a requested one: page 1 at least, the last page at most (a page number
    /// past the end, however large, shows the last page; (page - 1) × size must never overflow).
    /// </summary>
    public static int Within(int page, int pageSize, long total) =>
        (int)Math.Clamp(page, 1L, Math.Max(1L, (total + pageSize - 1) / pageSize));
}
