using Microsoft.Extensions.Options;
using Storefront.Catalog.Contracts;

namespace Storefront.Catalog.Images;

/// <summary>Keeps uploads on the local data volume under random names.</summary>
internal sealed class LocalDiskImageStore(IOptions<ImageStoreOptions> options) : IImageStore
{
    public async Task<ImageUploadResult> SaveAsync(Stream content, long length, string fileName, CancellationToken cancellationToken)
    {
        var (picture, error) = await PictureUpload.PrepareAsync(content, length, cancellationToken);
        if (picture is null) return new(null, error);
        var folder = Folder();
        Directory.CreateDirectory(folder);
        foreach (var file in picture.Files)
            await File.WriteAllBytesAsync(System.IO.Path.Combine(folder, file.Name), file.Content, cancellationToken);
        return new(new StoredImage(options.Value.UrlPrefix + picture.OriginalName), null);
    }

    public Task<OpenedImage?> OpenAsync(string fileName, CancellationToken cancellationToken)
    {
        if (!PictureUpload.IsSafeName(fileName) || PictureUpload.ContentTypeOf(fileName) is not { } contentType) return Task.FromResult<OpenedImage?>(null);
        var path = System.IO.Path.Combine(Folder(), fileName);
        if (!File.Exists(path)) return Task.FromResult<OpenedImage?>(null);
        var stream = File.OpenRead(path);
        return Task.FromResult<OpenedImage?>(new OpenedImage(stream, contentType, stream.Length));
    }

    private string Folder() => System.IO.Path.GetFullPath(options.Value.Path);
}
