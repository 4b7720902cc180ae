using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Storefront.BuildingBlocks.Outcomes;
using Storefront.Catalog.Contracts;

namespace Storefront.Catalog.Images;

/// <summary>
/// Keeps uploads in an S3-compatible bucket, through the AWS SDK. Objects are written with their
/// content type and a year-long immutable Cache-Control (their names are never reused), so a CDN or
/// the bucket's own public address can serve them as they are. Every file is sent with its
/// SHA-256 in the signature (no chunked upload), which S3-compatible services all accept.
/// </summary>
internal sealed partial class S3ImageStore : IImageStore, IDisposable
{
    public const string ObjectCacheControl = "public, max-age=31536000, immutable";

    private readonly ImageStoreOptions _options;
    private readonly AmazonS3Client _client;
    private readonly ILogger<S3ImageStore> _log;

    public S3ImageStore(IOptions<ImageStoreOptions> options, ILogger<S3ImageStore> log)
    {
        _options = options.Value;
        _log = log;
        var s3 = _options.S3;
        var config = new AmazonS3Config
        {
            Timeout = s3.Timeout,
            MaxErrorRetry = 2,
            // Checksums only where the API demands them: S3-compatible services differ in the rest.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (s3.ServiceUrl.Length > 0)
        {
            config.ServiceURL = s3.ServiceUrl;
            config.AuthenticationRegion = s3.Region;
            config.ForcePathStyle = s3.ForcePathStyle ?? true;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(s3.Region);
            config.ForcePathStyle = s3.ForcePathStyle ?? false;
        }
        _client = s3.AccessKey.Length > 0
            ? new AmazonS3Client(new BasicAWSCredentials(s3.AccessKey, s3.SecretKey), config)
            : new AmazonS3Client(config);
    }

    public void Dispose() => _client.Dispose();

    public async Task<ImageUploadResult> SaveAsync(Stream content, long length, string fileName, CancellationToken cancellationToken)
    {
        var (picture, error) = await PictureUpload.PrepareAsync(content, length, cancellationToken);
        if (picture is null) return new(null, error);
        var written = new List<string>();
        try
        {
            foreach (var file in picture.Files)
            {
                using var body = new MemoryStream(file.Content, writable: false);
                var request = new PutObjectRequest
                {
                    BucketName = _options.S3.Bucket,
                    Key = Key(file.Name),
                    InputStream = body,
                    ContentType = file.ContentType,
                    UseChunkEncoding = false,
                    AutoCloseStream = false,
                };
                request.Headers.CacheControl = ObjectCacheControl;
                await _client.PutObjectAsync(request, cancellationToken);
                written.Add(request.Key);
            }
        }
        catch (Exception e) when (Unreachable(e, cancellationToken))
        {
            LogUploadFailed(_log, e, _options.S3.Bucket);
            await RemoveAsync(written);
            return new(null, Problem.Of(CatalogProblems.ImageStoreUnavailable));
        }
        var url = _options.S3.PublicUrl.Length > 0
            ? _options.S3.PublicUrl.TrimEnd('/') + "/" + picture.OriginalName
            : _options.UrlPrefix + picture.OriginalName;
        return new(new StoredImage(url), null);
    }

    public async Task<OpenedImage?> OpenAsync(string fileName, CancellationToken cancellationToken)
    {
        if (!PictureUpload.IsSafeName(fileName) || PictureUpload.ContentTypeOf(fileName) is not { } contentType) return null;
        try
        {
            var response = await _client.GetObjectAsync(_options.S3.Bucket, Key(fileName), cancellationToken);
            // The type is the one its name says, whatever the bucket was told.
            return new OpenedImage(response.ResponseStream, contentType, response.ContentLength);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception e) when (Unreachable(e, cancellationToken))
        {
            LogReadFailed(_log, e, _options.S3.Bucket);
            throw new ImageStoreUnavailableException("The image store did not answer.", e);
        }
    }

    private string Key(string fileName) => _options.S3.KeyPrefix + fileName;

    /// <summary>
    /// The bucket refused or could not be reached (a timeout is a cancellation the caller did not ask for).
    /// </summary>
    private static bool Unreachable(Exception e, CancellationToken cancellationToken) =>
        e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>Removes the sizes an interrupted upload wrote; what cannot be removed stays unreferenced.</summary>
    private async Task RemoveAsync(IReadOnlyList<string> keys)
    {
        foreach (var key in keys)
        {
            try
            {
                using var timeout = new CancellationTokenSource(_options.S3.Timeout);
                await _client.DeleteObjectAsync(_options.S3.Bucket, key, timeout.Token);
            }
            catch (Exception e) when (Unreachable(e, CancellationToken.None))
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing a picture in bucket {Bucket} failed; the upload was refused")]
    private static partial void LogUploadFailed(ILogger logger, Exception error, string bucket);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading a picture from bucket {Bucket} failed")]
    private static partial void LogReadFailed(ILogger logger, Exception error, string bucket);
}
