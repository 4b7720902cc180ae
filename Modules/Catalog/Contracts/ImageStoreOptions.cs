namespace Storefront.Catalog.Contracts;

/// <summary>Settings of <c>Storefront:Images</c>.</summary>
public sealed class ImageStoreOptions
{
    /// <summary><c>disk</c> (the default) or <c>s3</c>.</summary>
    public string Store { get; set; } = "disk";

    /// <summary>Folder where uploads are kept (the disk store); by default "images" under Storefront:DataPath.</summary>
    public string Path { get; set; } = "";

    /// <summary>Where the store serves uploads itself (both stores).</summary>
    public string UrlPrefix { get; set; } = "/media/uploads/";

    public S3ImageStoreOptions S3 { get; set; } = new();

    public bool UsesS3 => string.Equals(Store, "s3", StringComparison.OrdinalIgnoreCase);

    /// <summary>The origin pictures are fetched from when it is not the store's own (for the pages' content policy).</summary>
    public string? PictureOrigin =>
        UsesS3 && Uri.TryCreate(S3.PublicUrl, UriKind.Absolute, out var url) ? url.GetLeftPart(UriPartial.Authority) : null;
}

/// <summary>An S3-compatible bucket: Amazon S3, or any service that speaks its API.</summary>
public sealed class S3ImageStoreOptions
{
    public string Bucket { get; set; } = "";

    /// <summary>Region the requests are signed for.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>
    /// The service's address for S3-compatible services (MinIO, Ceph, R2, …); empty for Amazon S3
    /// itself, which is reached by <see cref="Region"/>.
    /// </summary>
    public string ServiceUrl { get; set; } = "";

    /// <summary>
    /// Bucket in the path (<c>host/bucket/key</c>) rather than the host name; most S3-compatible
    /// services want it. On by default when <see cref="ServiceUrl"/> is set.
    /// </summary>
    public bool? ForcePathStyle { get; set; }

    /// <summary>Access key and secret; both empty to use the SDK's own chain (environment, instance role).</summary>
    public string AccessKey { get; set; } = "";
    public string SecretKey { get; set; } = "";

    /// <summary>Prefix of every object's key.</summary>
    public string KeyPrefix { get; set; } = "uploads/";

    /// <summary>
    /// Where browsers fetch the objects directly (the bucket's public address or a CDN before it,
    /// ending where the keys' prefix ends). Empty: the store serves them from
    /// <see cref="ImageStoreOptions.UrlPrefix"/>, reading the bucket, which may then stay private.
    /// </summary>
    public string PublicUrl { get; set; } = "";

    /// <summary>How long one request to the bucket may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
