using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Storefront.Catalog.Contracts;
using Storefront.Inventory.Contracts;

namespace Storefront.Web.Seo;

/// <summary>
/// schema.org JSON-LD for the pages, made from the models the pages render, so the values are the
/// page's own: the price and availability the buy box shows, the rating the stars show, the reviews
/// listed, the breadcrumb trail. The default encoder escapes <c>&lt;</c>, <c>&gt;</c> and
/// <c>&amp;</c>, so no text can close the script element it is written into.
/// </summary>
public static class StructuredData
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.Default };
    private const string Schema = "https://schema.org";

    /// <summary>A product: its offer (price, currency, availability by stock), rating and the reviews on the page.</summary>
    public static string Product(ProductDetails product, SkuStock? stock, IEnumerable<ReviewView> reviews, string url, IEnumerable<string> images)
    {
        var node = new JsonObject
        {
            ["@context"] = Schema,
            ["@type"] = "Product",
            ["name"] = product.Title,
            ["description"] = product.Description,
            ["sku"] = product.Sku,
            ["url"] = url,
            ["brand"] = new JsonObject { ["@type"] = "Brand", ["name"] = product.Brand },
        };
        var pictures = new JsonArray(images.Select(i => (JsonNode)JsonValue.Create(i)!).ToArray());
        if (pictures.Count > 0) node["image"] = pictures;
        if (stock is { } s)
        {
            node["offers"] = new JsonObject
            {
                ["@type"] = "Offer",
                ["url"] = url,
                ["price"] = s.Price.Amount.ToString("0.00", CultureInfo.InvariantCulture),
                ["priceCurrency"] = s.Price.Currency,
                ["availability"] = Availability(s.Available),
                ["itemCondition"] = $"{Schema}/NewCondition",
            };
        }
        if (product.ReviewCount > 0)
        {
            node["aggregateRating"] = new JsonObject
            {
                ["@type"] = "AggregateRating",
                ["ratingValue"] = product.AverageRating.ToString("0.0", CultureInfo.InvariantCulture),
                ["reviewCount"] = product.ReviewCount,
                ["bestRating"] = 5,
                ["worstRating"] = 1,
            };
        }
        var shown = new JsonArray(reviews.Where(r => !r.Hidden).Select(r => (JsonNode)new JsonObject
        {
            ["@type"] = "Review",
            ["name"] = r.Title,
            ["reviewBody"] = r.Body,
            ["datePublished"] = r.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["author"] = new JsonObject { ["@type"] = "Person", ["name"] = r.Author },
            ["reviewRating"] = new JsonObject { ["@type"] = "Rating", ["ratingValue"] = r.Rating, ["bestRating"] = 5, ["worstRating"] = 1 },
        }).ToArray());
        if (shown.Count > 0) node["review"] = shown;
        return node.ToJsonString(Json);
    }

    /// <summary>What the buy box says, as schema.org availability: "Out of stock", "Only N left", "In stock".</summary>
    public static string Availability(int available) =>
        available <= 0 ? $"{Schema}/OutOfStock"
        : available <= Components.Availability.LowStockThreshold ? $"{Schema}/LimitedAvailability"
        : $"{Schema}/InStock";

    /// <summary>The breadcrumb trail as shown: each step's name and absolute address (the last may have none).</summary>
    public static string Breadcrumbs(IEnumerable<(string Name, string? Url)> steps)
    {
        var items = steps.Select((step, i) =>
        {
            var item = new JsonObject { ["@type"] = "ListItem", ["position"] = i + 1, ["name"] = step.Name };
            if (step.Url is not null) item["item"] = step.Url;
            return (JsonNode)item;
        }).ToArray();
        return new JsonObject { ["@context"] = Schema, ["@type"] = "BreadcrumbList", ["itemListElement"] = new JsonArray(items) }.ToJsonString(Json);
    }

    /// <summary>The store as an organization, and its site with a search box (<c>/search?q=…</c>).</summary>
    public static string Store(string name, string homeUrl, string logoUrl, string searchUrlTemplate) =>
        new JsonArray(
            new JsonObject
            {
                ["@context"] = Schema,
                ["@type"] = "Organization",
                ["name"] = name,
                ["url"] = homeUrl,
                ["logo"] = logoUrl,
            },
            new JsonObject
            {
                ["@context"] = Schema,
                ["@type"] = "WebSite",
                ["name"] = name,
                ["url"] = homeUrl,
                ["potentialAction"] = new JsonObject
                {
                    ["@type"] = "SearchAction",
                    ["target"] = new JsonObject { ["@type"] = "EntryPoint", ["urlTemplate"] = searchUrlTemplate },
                    ["query-input"] = "required name=search_term_string",
                },
            }).ToJsonString(Json);
}
