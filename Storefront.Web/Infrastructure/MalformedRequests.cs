namespace Storefront.Web.Infrastructure;

/// <summary>
/// Requests no client of ours can send are the client's error (400), never the store's (500): a NUL
/// character in the address (PostgreSQL cannot store it in text, and no page, product or account
/// name holds one) and a form body the framework's reader refuses (a NUL there too).
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
            // Read here (the form is kept for the page), so that the refusal is answered once: read
            // first by antiforgery, it would become a 400 whose error page fails reading it again.
            // Multipart bodies (uploads) are left to the pages, which set their own size limits.
            if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
            {
                try
                {
                    await request.ReadFormAsync(context.RequestAborted);
                }
                catch (InvalidDataException)
                {
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    return;
                }
            }
            await next(context);
        });
        return app;
    }
}
