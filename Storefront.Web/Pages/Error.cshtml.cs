using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Storefront.Web.Pages;

[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel : PageModel
{
    public string Heading { get; private set; } = "Something went wrong";
    public string Message { get; private set; } = "We could not complete that request. Please try again in a moment.";

    // The code comes from the route only: a request that failed because its form could not be read
    // (too many fields, too large) must not have its form read again to show this page.
    public void OnGet([FromRoute] int? code) => Describe(code);

    public void OnPost([FromRoute] int? code) => Describe(code);

    /// <summary>A 429 carries Retry-After (seconds); say how long that is in words.</summary>
    private string RetryMessage()
    {
        var seconds = int.TryParse(Response.Headers.RetryAfter, System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 60;
        var wait = seconds <= 90 ? "a minute" : $"{(seconds + 59) / 60} minutes";
        return $"We received a lot of requests from your connection in a short time. Please wait {wait} and try again.";
    }

    private string? OriginalPath =>
        HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>()?.OriginalPath;

    private void Describe(int? code)
    {
        // Keep the original status: a missing product stays a 404 for browsers and crawlers.
        // A page run again for a body it could not read may not get its route value bound: the status it answered is the same.
        var status = code ?? HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>()?.OriginalStatusCode ?? 500;
        Response.StatusCode = status is >= 400 and < 600 ? status : 500;
        (Heading, Message) = status switch
        {
            404 => ("Page not found", "We could not find that page. The product or category may have moved or been removed."),
            400 => ("That request did not look right", "Please go back and try again."),
            413 => ("That was more than we accept", "What was sent was larger than the store takes in one request, so nothing was changed. Please go back and try again."),
            403 when HttpContext.Items.ContainsKey(Infrastructure.CrossSiteRequests.Refused) =>
                ("Sent from another site", "This form was sent to us from another website, so nothing was changed. Open the store yourself and try again there."),
            403 => ("Not allowed", "Your account cannot open this page."),
            429 => ("Please wait a moment", RetryMessage()),
            503 when OriginalPath?.StartsWith("/cart", StringComparison.OrdinalIgnoreCase) == true =>
                ("Your cart is briefly unavailable", "We cannot open your cart just now; nothing in it has changed. Please try again in a minute. You can keep browsing the shop meanwhile."),
            503 => ("We will be right back", "Part of the store is not answering just now. Please try again in a minute."),
            _ => (Heading, Message),
        };
    }
}
