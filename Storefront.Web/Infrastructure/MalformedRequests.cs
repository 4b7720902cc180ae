namespace Storefront.Web.Infrastructure;

/// <summary>
/// Requests no client of ours can send are the client's error (4xx), never the store's (500): a NUL
/// character in the address (PostgreSQL cannot store it in text, and no page, product or account
/// name holds one), a form body the framework's reader refuses (a NUL there too, or more than its
/// 1,024 fields), a body over the server's size limit (413), and a form posted to a page handler that
/// does not exist (<see cref="UnknownPageHandlers"/>). Runs inside the status-code pages, so pages
/// answer with the error page saying so, and JSON endpoints with a problem.
/// </summary>
internal static class MalformedRequests
{
    public static WebApplication UseMalformedRequestGuard(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (request.Path.Value?.Contains('\0', StringComparison.Ordinal) == true
                || request.Query.Any(q => q.Key.Contains('\0', StringComparison.Ordinal) || q.Value.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true)))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            // Read here (the form is kept for the page), so that the refusal is answered once. An
            // unreadable form is then replaced by an empty one: the error page, run again for the
            // same request, must not fail reading it a second time.
            // Multipart bodies (uploads) are read by the pages, under their own size limits: a body over
            // one is refused below, when the page's reading of it fails.
            if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
            {
                int? refused = null;
                try
                {
                    await request.ReadFormAsync(context.RequestAborted);
                }
                catch (InvalidDataException)
                {
                    refused = StatusCodes.Status400BadRequest;
                }
                catch (BadHttpRequestException ex)
                {
                    refused = ex.StatusCode;
                }
                if (refused is { } status)
                {
                    Refuse(context, status);
                    return;
                }
            }
            try
            {
                await next(context);
                // An upload over the page's size limit fails the first read of its body, the
                // antiforgery check's, which answers 400: it is a body too large, and said so.
                if (context.Response.StatusCode == StatusCodes.Status400BadRequest && !context.Response.HasStarted
                    && request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true
                    && request.ContentLength > context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize)
                    Refuse(context, StatusCodes.Status413PayloadTooLarge);
            }
            catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
            {
                // A body the page read past its limit (an upload over its size: 413), or one cut off.
                context.Response.Clear();
                Refuse(context, ex.StatusCode);
            }
        });
        return app;
    }

    private static void Refuse(HttpContext context, int status)
    {
        context.Features.Set<Microsoft.AspNetCore.Http.Features.IFormFeature>(new Microsoft.AspNetCore.Http.Features.FormFeature(FormCollection.Empty));
        context.Response.StatusCode = status;
    }
}

/// <summary>
/// A page asked for a handler it does not have (<c>POST /cart</c> with no <c>?handler=</c>, or a
/// made-up one) would otherwise be rendered without any handler having run, its model empty: a 500.
/// It is answered 404 for a read and 400 for a form instead, with the error page.
/// </summary>
internal sealed class UnknownPageHandlers : Microsoft.AspNetCore.Mvc.Filters.IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(Microsoft.AspNetCore.Mvc.Filters.PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context,
        Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutionDelegate next)
    {
        if (context.HandlerMethod is null && context.ActionDescriptor.HandlerMethods.Count > 0)
        {
            var method = context.HttpContext.Request.Method;
            context.Result = new Microsoft.AspNetCore.Mvc.StatusCodeResult(HttpMethods.IsGet(method) || HttpMethods.IsHead(method)
                ? StatusCodes.Status404NotFound
                : StatusCodes.Status400BadRequest);
            return;
        }
        await next();
    }
}
