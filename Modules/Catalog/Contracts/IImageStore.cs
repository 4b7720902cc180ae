using Storefront.BuildingBlocks.Outcomes;

namespace Storefront.Catalog.Contracts;

public sealed record StoredImage(string Url);

public sealed record ImageUploadResult(StoredImage? Image, Problem? Error);

/// <summary>A stored file opened for reading; the caller disposes <see cref="Content"/>.</summary>
public sealed record OpenedImage(Stream Content, string ContentType, long? Length);

/// <summary>The image store could not be reached or refused the store's request.</summary>
public sealed class ImageStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Where uploaded product images live: a local data volume by default, or an S3-compatible bucket
/// (<c>Storefront:Images:Store = s3</c>).
/// </summary>
public interface IImageStore
{
    public const long MaxBytes = 5 * 1024 * 1024;

    /// <summary>
    /// Checks the type (by decoding the content, not by its name) and size, makes the sizes kept of
    /// it, then stores them and the original. A store that does not answer is a problem, never an
    /// exception, and leaves nothing the product refers to.
    /// </summary>
    Task<ImageUploadResult> SaveAsync(Stream content, long length, string fileName, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a stored file by the name at the end of its URL; null when there is none. Throws
    /// <see cref="ImageStoreUnavailableException"/> when the store cannot answer.
    /// </summary>
    Task<OpenedImage?> OpenAsync(string fileName, CancellationToken cancellationToken);
}
