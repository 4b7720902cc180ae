using Storefront.BuildingBlocks.Outcomes;

namespace Storefront.Catalog.Contracts;

public sealed record StoredImage(string Url);

public sealed record ImageUploadResult(StoredImage? Image, Problem? Error);

/// <summary>Where uploaded product images live: a local data volume by default.</summary>
public interface IImageStore
{
    public const long MaxBytes = 5 * 1024 * 1024;

    /// <summary>Checks the type (by content, not by name) and size, then stores the image.</summary>
    Task<ImageUploadResult> SaveAsync(Stream content, long length, string fileName, CancellationToken cancellationToken);

    /// <summary>Opens a stored image by the file name of its URL; null when unknown.</summary>
    (Stream Content, string ContentType)? Open(string fileName);
}
