using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;
using Storefront.Web.Forms;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Areas.Admin.Pages.Products;

public sealed class EditModel(ICatalogAdmin catalog, IPricesAndStock stock, IImageStore images, IValidator<EditModel.ProductForm> newProductRules, OutcomeText words) : PageModel
{
    public sealed class ProductForm
    {
        public string Sku { get; set; } = "";
        public string Title { get; set; } = "";
        public string Slug { get; set; } = "";
        public string Brand { get; set; } = "";
        public int CategoryId { get; set; }
        public string Description { get; set; } = "";
        public bool Published { get; set; }
        public Dictionary<string, string> Attributes { get; set; } = [];
        public string? Price { get; set; }
        public string? OnHand { get; set; }

        /// <summary>When the product was last saved as this form shows it (round-trip format): a save refuses to overwrite a later one.</summary>
        public string? Version { get; set; }
    }

    /// <summary>The price and stock a new product starts with (the rest of the form is Catalog's to check).</summary>
    public sealed class NewProductRules : AbstractValidator<ProductForm>
    {
        public NewProductRules()
        {
            RuleFor(f => f.Price).Price();
            RuleFor(f => f.OnHand).StockLevel();
        }
    }

    [BindProperty] public ProductForm Input { get; set; } = new();
    public Guid? ProductId { get; private set; }
    public IReadOnlyList<AdminCategoryRow> Categories { get; private set; } = [];
    public IReadOnlyList<AttributeDefinition> AttributeDefinitions { get; private set; } = [];
    public IReadOnlyList<ProductImage> Images { get; private set; } = [];
    public SkuStock? Stock { get; private set; }

    /// <summary>The saved title, for the heading, whatever the form currently holds.</summary>
    public string Heading { get; private set; } = "New product";
    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var e) ? string.Join(" ", e) : null;

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        if (id == "new")
        {
            Input.Published = true;
            Input.Price = "0.00";
            Input.OnHand = "0";
            await LoadAsync(null, ct);
            return Page();
        }
        if (!Guid.TryParse(id, out var productId)) return NotFound();
        var product = await catalog.GetProductForEditAsync(productId, ct);
        if (product is null) return NotFound();
        var i = product.Input;
        Input = new ProductForm
        {
            Sku = i.Sku, Title = i.Title, Slug = i.Slug, Brand = i.Brand, CategoryId = i.CategoryId,
            Description = i.Description, Published = i.Published, Attributes = i.Attributes.ToDictionary(),
            Version = VersionOf(product),
        };
        await LoadAsync(productId, ct);
        return Page();
    }

    /// <summary>Re-renders the form for another category so its attributes can be filled in.</summary>
    public async Task<IActionResult> OnPostRefreshAsync(string id, CancellationToken ct)
    {
        await LoadAsync(Guid.TryParse(id, out var g) ? g : null, ct);
        ModelState.Clear();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken ct)
    {
        Guid? productId = Guid.TryParse(id, out var g) ? g : null;
        if (id != "new" && productId is null) return NotFound();
        var input = new ProductInput(Input.Sku ?? "", Input.Title ?? "", Input.Slug ?? "", Input.Description ?? "", Input.Brand ?? "",
            Input.CategoryId, Input.Attributes.Where(a => a.Key.Length <= 60).ToDictionary(a => a.Key, a => a.Value ?? ""), Input.Published);

        decimal price = 0;
        int onHand = 0;
        if (productId is null)
        {
            // A new product is created with its price and stock; check them before saving anything.
            var checkedValues = await newProductRules.ValidateAsync(Input, ct);
            foreach (var failure in checkedValues.Errors) Errors[failure.PropertyName] = [failure.ErrorMessage];
            if (Errors.Count > 0)
            {
                await LoadAsync(productId, ct);
                return Page();
            }
            (price, onHand) = (FormNumbers.Amount(Input.Price)!.Value, FormNumbers.WholeNumber(Input.OnHand));
        }

        var result = productId is null
            ? await catalog.CreateProductAsync(input, new InitialStock(price, onHand), ct)
            : await catalog.UpdateProductAsync(productId.Value, input, SeenVersion(), ct);
        if (!result.Succeeded)
        {
            foreach (var (key, problems) in result.Errors) Errors[key] = problems.Select(words.Of).ToArray();
            var changedMeanwhile = result.Errors.Values.Any(ps => ps.Any(p => p.Code == CatalogProblems.ProductChangedMeanwhile));
            await LoadAsync(productId, ct);
            if (changedMeanwhile && Loaded is { } now)
            {
                // The form keeps the merchant's version; saving it again now replaces the other one, knowingly.
                Input.Version = VersionOf(now);
                ModelState.Remove("Input.Version");
            }
            return Page();
        }
        TempData.Notice(productId is null ? "Product created." : "Product saved.");
        return RedirectToPage(new { id = result.Value });
    }

    public async Task<IActionResult> OnPostPublishAsync(Guid id, bool publish, CancellationToken ct)
    {
        if (!await catalog.SetPublishedAsync(id, publish, ct)) return NotFound();
        TempData.Notice(publish ? "Product published: shoppers can see it." : "Product unpublished: shoppers no longer see it.");
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostUploadAsync(Guid id, IFormFile? image, string? altText, CancellationToken ct)
    {
        if (await catalog.GetProductForEditAsync(id, ct) is not { } product) return NotFound();
        if (image is null || image.Length == 0)
        {
            TempData.Problem("Choose an image file to upload.");
            return RedirectToPage(new { id });
        }
        await using var content = image.OpenReadStream();
        var saved = await images.SaveAsync(content, image.Length, image.FileName, ct);
        if (saved.Image is null)
        {
            TempData.Problem(words.Of(saved.Error, null));
            return RedirectToPage(new { id });
        }
        var alt = string.IsNullOrWhiteSpace(altText) ? product.Input.Title : altText.Trim();
        if (!await catalog.AddImageAsync(id, new ProductImage(saved.Image.Url, alt), ct))
            TempData.Problem("A product can have at most 12 images.");
        else
            TempData.Notice("Image added.");
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostRemoveImageAsync(Guid id, string url, CancellationToken ct)
    {
        if (await catalog.RemoveImageAsync(id, url ?? "", ct))
            TempData.Notice("Image removed.");
        else
            TempData.Problem("That image was not found on this product; nothing was removed.");
        return RedirectToPage(new { id });
    }

    /// <summary>The product as saved now, when the form is for an existing one.</summary>
    private ProductForEdit? Loaded { get; set; }

    private static string VersionOf(ProductForEdit product) => product.UpdatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The version the form was opened on; null (save regardless) when the form carries none.</summary>
    private DateTimeOffset? SeenVersion() =>
        DateTimeOffset.TryParseExact(Input.Version, "O", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var seen)
            ? seen : null;

    private async Task LoadAsync(Guid? productId, CancellationToken ct)
    {
        ProductId = productId;
        Categories = await catalog.ListCategoriesAsync(ct);
        AttributeDefinitions = Input.CategoryId > 0 ? await catalog.GetCategoryAttributesAsync(Input.CategoryId, ct) : [];
        if (productId is { } pid)
        {
            var product = Loaded = await catalog.GetProductForEditAsync(pid, ct);
            Images = product?.Images ?? [];
            Heading = product?.Input.Title ?? Heading;
            Stock = product is null ? null : await stock.GetAsync(product.Input.Sku, ct);
        }
    }
}
