using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Catalog.Contracts;
using Storefront.Checkout.Contracts;
using Storefront.Web.Identity;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Pages.Catalog;

/// <summary>
/// A shopper's review of a product they bought (an order of their account with it, not cancelled):
/// one per account and product, written again to change it. Shown on the product page as soon as
/// it is saved; a merchant can hide it.
/// </summary>
[Authorize]
public sealed class ReviewModel(ICatalogQueries catalog, IProductReviews reviews, IOrders orders, UserManager<StoreUser> users,
    ShopLinks links, OutcomeText words) : PageModel
{
    public sealed class ReviewForm
    {
        public int? Rating { get; set; }
        public string? Title { get; set; }
        public string? Body { get; set; }
        public string? Author { get; set; }
    }

    public ProductDetails Product { get; private set; } = default!;
    public bool Bought { get; private set; }
    public OwnReview? Existing { get; private set; }

    [BindProperty(Name = "Review")]
    public ReviewForm Form { get; set; } = new();

    private string UserId => User.FindFirstValue(ClaimTypes.NameIdentifier)!;

    private async Task<bool> LoadAsync(string slug, CancellationToken ct)
    {
        if (await catalog.GetProductAsync(slug, ct) is not { } product) return false;
        Product = product;
        Bought = await orders.HasBoughtAsync(UserId, product.Sku, ct);
        Existing = await reviews.OwnAsync(product.Id, UserId, ct);
        return true;
    }

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        if (!await LoadAsync(slug, ct)) return NotFound();
        Form = Existing is { } e
            ? new ReviewForm { Rating = e.Rating, Title = e.Title, Body = e.Body, Author = e.Author }
            : new ReviewForm { Author = await DefaultAuthorAsync() };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string slug, CancellationToken ct)
    {
        if (!await LoadAsync(slug, ct)) return NotFound();
        if (!Bought) return Page(); // the page says why there is no form
        ModelState.Clear();
        if (Form.Rating is null)
        {
            ModelState.AddModelError("Review.Rating", words.Of(CatalogProblems.RatingInvalid));
            return Page();
        }
        var saved = await reviews.SubmitAsync(Product.Id, UserId,
            new ReviewInput(Form.Rating.Value, Form.Title ?? "", Form.Body ?? "", Form.Author ?? ""), ct);
        if (!saved.Succeeded)
        {
            foreach (var (field, problems) in saved.Errors)
                foreach (var problem in problems) ModelState.AddModelError(field.Length == 0 ? "" : "Review." + field, words.Of(problem));
            return Page();
        }
        TempData.Notice(Existing is null ? "Thank you: your review is on the product page." : "Your review is changed.");
        return LocalRedirect(links.Product(Product.Slug) + "#reviews");
    }

    /// <summary>The account's name as reviews show names: the first name and the last one's initial.</summary>
    private async Task<string> DefaultAuthorAsync()
    {
        var name = (await users.GetUserAsync(User))?.DisplayName.Trim() ?? "";
        var parts = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length switch { 0 => "", 1 => parts[0], _ => $"{parts[0]} {parts[^1][0]}." };
    }
}
