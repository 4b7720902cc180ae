using Storefront.BuildingBlocks.Outcomes;
using Storefront.Catalog.Contracts;

namespace Storefront.Catalog.Images;

/// <summary>One file kept of an upload: the original or one of its sizes.</summary>
internal sealed record PictureFile(string Name, byte[] Content, string ContentType);

/// <summary>
/// A checked upload and every file to keep of it, the sizes first and the original last, so a
/// store that stops half-way has not yet written the file a product would refer to.
/// </summary>
internal sealed record PreparedPicture(string OriginalName, IReadOnlyList<PictureFile> Files);

/// <summary>
/// What every image store does before it writes: the size limit, the type by the file's first bytes
/// (never by its name or the browser's claim; SVG is refused because it can carry script), decoding
/// as the real check, and the sizes made once. The names follow <see cref="UploadedPicture"/>.
/// </summary>
internal static class PictureUpload
{
    private static readonly (string Ext, string ContentType, byte[] Magic)[] Known =
    [
        (".png", "image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        (".jpg", "image/jpeg", [0xFF, 0xD8, 0xFF]),
        (".gif", "image/gif", "GIF8"u8.ToArray()),
    ];

    public static async Task<(PreparedPicture? Picture, Problem? Error)> PrepareAsync(Stream content, long length, CancellationToken cancellationToken)
    {
        if (length <= 0) return (null, Problem.Of(CatalogProblems.ImageEmpty));
        if (length > IImageStore.MaxBytes) return (null, Problem.Of(CatalogProblems.ImageTooLargeSized, ("megabytes", length / 1024 / 1024.0)));
        // At most 5 MB, read whole: it is decoded to make its sizes anyway.
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > IImageStore.MaxBytes) return (null, Problem.Of(CatalogProblems.ImageTooLarge));
        }
        var bytes = buffer.ToArray();
        var type = Detect(bytes.AsSpan(0, Math.Min(12, bytes.Length)));
        if (type is null) return (null, Problem.Of(CatalogProblems.ImageType));
        var made = ImageVariants.Make(bytes, UploadedPicture.FallbackFor(type.Value.Ext));
        if (made is null) return (null, Problem.Of(CatalogProblems.ImageType));
        // The name carries the picture's size, so pages can give its width and height and list its
        // sizes without asking the store: {id}-{width}x{height}.{ext}, each size beside it as
        // {id}-{width}x{height}-{w}.webp and .jpg (or .png).
        var name = $"{Guid.NewGuid():N}-{made.Width}x{made.Height}";
        var files = made.Variants
            .Select(v => { var file = $"{name}-{v.Width}{v.Extension}"; return new PictureFile(file, v.Content, ContentTypeOf(file)!); })
            .Append(new PictureFile(name + type.Value.Ext, bytes, type.Value.ContentType))
            .ToList();
        return (new PreparedPicture(name + type.Value.Ext, files), null);
    }

    /// <summary>
    /// Whether a requested name can be one the store made: letters, digits, dots and dashes, not
    /// starting with a dot, so it can never leave the store's folder or prefix.
    /// </summary>
    public static bool IsSafeName(string fileName) =>
        fileName.Length is > 0 and <= 80 && !fileName.StartsWith('.') && fileName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-');

    /// <summary>The content type of a kept file by its extension; null for any other.</summary>
    public static string? ContentTypeOf(string fileName) => Path.GetExtension(fileName) switch
    {
        ".webp" => "image/webp",
        var ext => Known.FirstOrDefault(k => k.Ext == ext).ContentType,
    };

    private static (string Ext, string ContentType)? Detect(ReadOnlySpan<byte> header)
    {
        foreach (var (ext, contentType, magic) in Known)
            if (header.StartsWith(magic)) return (ext, contentType);
        if (header.Length >= 12 && header[..4].SequenceEqual("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8))
            return (".webp", "image/webp");
        return null;
    }
}
