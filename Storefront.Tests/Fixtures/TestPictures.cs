using System.Net.Http.Headers;

namespace Storefront.Tests.Fixtures;

/// <summary>Pictures to upload, and the admin's upload form as a browser posts it.</summary>
public static class TestPictures
{
    /// <summary>A 1×1 PNG.</summary>
    public static readonly byte[] TinyPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    /// <summary>A JPEG photograph of the given size: a gradient, so it compresses like a picture.</summary>
    public static byte[] Photo(int width, int height)
    {
        using var bitmap = new SkiaSharp.SKBitmap(width, height);
        using (var canvas = new SkiaSharp.SKCanvas(bitmap))
        using (var paint = new SkiaSharp.SKPaint())
        {
            paint.Shader = SkiaSharp.SKShader.CreateLinearGradient(new SkiaSharp.SKPoint(0, 0), new SkiaSharp.SKPoint(width, height),
                [SkiaSharp.SKColors.ForestGreen, SkiaSharp.SKColors.SkyBlue], SkiaSharp.SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, paint);
        }
        using var image = SkiaSharp.SKImage.FromBitmap(bitmap);
        using var jpeg = image.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 90);
        return jpeg.ToArray();
    }

    /// <summary>Posts the product edit page's upload form (the page at <paramref name="editUrl"/> gives the token).</summary>
    public static async Task<HttpResponseMessage> UploadAsync(HttpClient admin, string editUrl, byte[] bytes, string name, string type, string? altText = null)
    {
        var token = Html.AntiforgeryToken(await admin.GetStringAsync(editUrl));
        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(type);
        content.Add(file, "image", name);
        if (altText is not null) content.Add(new StringContent(altText), "altText");
        content.Add(new StringContent(token), "__RequestVerificationToken");
        return await admin.PostAsync(editUrl + "?handler=Upload", content);
    }
}
