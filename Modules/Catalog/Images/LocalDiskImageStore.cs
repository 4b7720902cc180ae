using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Catalog.Contracts;

namespace Storefront.Catalog.Images;

public sealed class ImageStoreOptions
{
    /// <summary>Folder of the data volume where uploads are kept.</summary>
    public string Path { get; set; } = "";
    public string UrlPrefix { get; set; } = "/media/uploads/";
}

/// <summary>
/// Keeps uploads on the local data volume under random names. The type is decided by the file's
/// first bytes, never by its name or the browser's claim; SVG is refused because it can carry script.
/// </summary>
internal sealed class LocalDiskImageStore(IOptions<ImageStoreOptions> options) : IImageStore
{
    private static readonly (string Ext, string ContentType, byte[] Magic)[] Known =
    [
        (".png", "image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        (".jpg", "image/jpeg", [0xFF, 0xD8, 0xFF]),
        (".gif", "image/gif", "GIF8"u8.ToArray()),
    ];

    public async Task<ImageUploadResult> SaveAsync(Stream content, long length, string fileName, CancellationToken cancellationToken)
    {
        if (length <= 0) return new(null, Problem.Of(CatalogProblems.ImageEmpty));
        if (length > IImageStore.MaxBytes) return new(null, Problem.Of(CatalogProblems.ImageTooLargeSized, ("megabytes", length / 1024 / 1024.0)));
        // At most 5 MB, read whole: it is decoded to make its sizes anyway.
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > IImageStore.MaxBytes) return new(null, Problem.Of(CatalogProblems.ImageTooLarge));
        }
        var bytes = buffer.ToArray();
        var type = Detect(bytes.AsSpan(0, Math.Min(12, bytes.Length)));
        if (type is null) return new(null, Problem.Of(CatalogProblems.ImageType));
        var made = ImageVariants.Make(bytes, UploadedPicture.FallbackFor(type.Value.Ext));
        if (made is null) return new(null, Problem.Of(CatalogProblems.ImageType));
        var folder = Folder();
        Directory.CreateDirectory(folder);
        // The name carries the picture's size, so pages can give its width and height and list its
        // sizes without asking the store: {id}-{width}x{height}.{ext}, each size beside it as
        // {id}-{width}x{height}-{w}.webp and .jpg (or .png).
        var name = $"{Guid.NewGuid():N}-{made.Width}x{made.Height}";
        await File.WriteAllBytesAsync(System.IO.Path.Combine(folder, name + type.Value.Ext), bytes, cancellationToken);
        foreach (var variant in made.Variants)
            await File.WriteAllBytesAsync(System.IO.Path.Combine(folder, $"{name}-{variant.Width}{variant.Extension}"), variant.Content, cancellationToken);
        return new(new StoredImage(options.Value.UrlPrefix + name + type.Value.Ext), null);
    }

    public (Stream Content, string ContentType)? Open(string fileName)
    {
        if (fileName.Length is 0 or > 80 || fileName.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-')) || fileName.StartsWith('.')) return null;
        var path = System.IO.Path.Combine(Folder(), fileName);
        if (!File.Exists(path)) return null;
        var ext = System.IO.Path.GetExtension(fileName);
        var contentType = ext == ".webp" ? "image/webp" : Known.FirstOrDefault(k => k.Ext == ext).ContentType;
        return contentType is null ? null : (File.OpenRead(path), contentType);
    }

    private string Folder() => System.IO.Path.GetFullPath(options.Value.Path.Length > 0 ? options.Value.Path : System.IO.Path.Combine(".data", "images"));

    private static (string Ext, string ContentType)? Detect(ReadOnlySpan<byte> header)
    {
        foreach (var (ext, contentType, magic) in Known)
            if (header.StartsWith(magic)) return (ext, contentType);
        if (header.Length >= 12 && header[..4].SequenceEqual("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8))
            return (".webp", "image/webp");
        return null;
    }
}
