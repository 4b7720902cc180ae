using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Storefront.FlashSale.Contracts;
using Storefront.Web.Shopping;
using Storefront.Web.Words;

namespace Storefront.Web.Pages.Sale;

/// <summary>
/// The sale page: the product and its price, a countdown before the start, the line (join, place,
/// leave) and, once it is the shopper's turn, the way to the purchase. Sold out or over, it is the
/// same page for everyone, cached here and by a CDN; so is the page of a visitor without a place in
/// the line, for a second. Its forms carry no token (the page would then differ per visitor): the
/// cross-site request check refuses another site's posts (docs/security.md).
/// </summary>
[OutputCache(PolicyName = SaleCache.Policy)]
[IgnoreAntiforgeryToken]
public sealed class IndexModel(IFlashSaleRoom sales, OutcomeText words, TimeProvider clock) : PageModel
{
    public SaleView Sale { get; private set; } = default!;
    public PlaceInLine? Place { get; private set; }
    public string? Problem { get; private set; }
    public bool SignedIn { get; private set; }

    /// <summary>The line is open (from shortly before the start).</summary>
    public bool LineOpen => clock.GetUtcNow() >= Sale.PreQueueOpensAt;

    public TimeSpan UntilStart => Sale.StartsAt - clock.GetUtcNow();

    /// <summary>Whether the page shows nothing particular to this shopper (then it may be shared).</summary>
    public bool Shared => Sale.Phase is SalePhase.SoldOut or SalePhase.Ended;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken ct)
    {
        if (await sales.FindAsync(slug, ct) is not { } sale) return NotFound();
        Sale = sale;
        if (Shared)
        {
            SaleCache.MarkShared(HttpContext);
            return Page();
        }
        SignedIn = SaleShopper.SignedIn(HttpContext);
        if (SaleShopper.PassOf(HttpContext, sale) is { } pass)
        {
            var status = await sales.StatusAsync(slug, pass, SaleShopper.Customer(HttpContext, sale, create: false), ct);
            if (status.Refused is { } refused)
            {
                Problem = words.Of(SaleWords.RefusalCode(refused));
                SaleShopper.DropPass(HttpContext, sale);
            }
            Place = status.Place;
        }
        else
        {
            SaleCache.MarkShared(HttpContext, SaleCache.Live);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostJoinAsync(string slug, CancellationToken ct)
    {
        if (await sales.FindAsync(slug, ct) is not { } sale) return NotFound();
        var joined = await sales.JoinAsync(slug, SaleShopper.Customer(HttpContext, sale, create: true), SaleShopper.SignedIn(HttpContext), ct);
        switch (joined.Outcome)
        {
            case JoinOutcome.SignInRequired:
                return RedirectToPage("/Account/Login", new { returnUrl = Url.Page("/Sale/Index", new { slug }) });
            case JoinOutcome.Joined or JoinOutcome.AlreadyJoined:
                SaleShopper.KeepPass(HttpContext, sale, joined.Pass!);
                return RedirectToPage(new { slug });
        }
        (Sale, Place, SignedIn) = (sale, joined.Place, SaleShopper.SignedIn(HttpContext));
        Problem = joined.Outcome switch
        {
            JoinOutcome.TooEarly => "The line is not open yet: it opens shortly before the start.",
            JoinOutcome.Busy => words.Of(FlashSaleProblems.Busy),
            JoinOutcome.OverLimit => words.Of(FlashSaleProblems.OverLimit, ("limit", sale.LimitPerCustomer)),
            JoinOutcome.SoldOut => words.Of(FlashSaleProblems.SoldOut),
            _ => words.Of(FlashSaleProblems.SaleOver),
        };
        if (joined.RetryAfter is { } wait) Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Page();
    }

    public async Task<IActionResult> OnPostLeaveAsync(string slug, CancellationToken ct)
    {
        if (await sales.FindAsync(slug, ct) is not { } sale) return NotFound();
        await sales.LeaveAsync(slug, SaleShopper.PassOf(HttpContext, sale) ?? "", SaleShopper.Customer(HttpContext, sale, create: false) ?? "", ct);
        SaleShopper.DropPass(HttpContext, sale);
        return RedirectToPage(new { slug });
    }
}
