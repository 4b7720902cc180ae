using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Storefront.FlashSale.Contracts;

namespace Storefront.Web.Shopping;

/// <summary>
/// The flood after a sale sells out is shoppers polling <c>GET /api/sales/{slug}/status</c>, and
/// the answer is the same for all of them. This middleware answers it first in the pipeline, from the
/// instance's memory (the sale's sold-out flag and one serialized answer per sale), before routing,
/// rate limiting and the output cache: a memory answer costs less than those steps, and none of
/// them protects anything here (no pass is read, nothing touches Redis or PostgreSQL). Anything
/// else, a live sale included, goes on to <see cref="SaleApi"/>, which gives the same answer.
/// </summary>
internal static class SoldOutStatus
{
    private const string Prefix = "/api/sales/";
    private const string Suffix = "/status";

    public static IApplicationBuilder UseSoldOutSaleStatus(this IApplicationBuilder app)
    {
        var answers = new ConcurrentDictionary<Guid, Answer>();
        return app.Use(async (http, next) =>
        {
            if (!HttpMethods.IsGet(http.Request.Method) || SlugOf(http.Request.Path) is not { } slug)
            {
                await next(http);
                return;
            }
            SaleView? sale;
            try
            {
                sale = await http.RequestServices.GetRequiredService<IFlashSaleRoom>().FindAsync(slug, http.RequestAborted);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                sale = null; // the endpoint answers (and explains) whatever went wrong
            }
            if (sale is not { Phase: SalePhase.SoldOut or SalePhase.Ended })
            {
                await next(http);
                return;
            }
            var answer = answers.GetValueOrDefault(sale.Id);
            if (answer is null || answer.Phase != sale.Phase || answer.UnitsLeft != sale.UnitsLeft)
            {
                var place = new PlaceInLine(sale.Phase == SalePhase.SoldOut ? ShopperState.SoldOut : ShopperState.Ended, null, null, null, 0, TimeSpan.FromSeconds(30));
                var dto = SaleApi.Dto(place, sale, http.RequestServices.GetRequiredService<ShopLinks>());
                var json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
                answer = new Answer(sale.Phase, sale.UnitsLeft, JsonSerializer.SerializeToUtf8Bytes(dto, json));
                answers[sale.Id] = answer;
            }
            var response = http.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = answer.Body.Length;
            SaleCache.MarkShared(http);
            await response.Body.WriteAsync(answer.Body, http.RequestAborted);
        });
    }

    /// <summary>The slug of <c>/api/sales/{slug}/status</c>, or null for any other address.</summary>
    private static string? SlugOf(PathString path)
    {
        var value = path.Value;
        if (value is null || !value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || !value.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase))
            return null;
        var length = value.Length - Prefix.Length - Suffix.Length;
        if (length is <= 0 or > 100) return null;
        var slug = value.AsSpan(Prefix.Length, length);
        return slug.Contains('/') ? null : slug.ToString();
    }

    private sealed record Answer(SalePhase Phase, long UnitsLeft, byte[] Body);
}
