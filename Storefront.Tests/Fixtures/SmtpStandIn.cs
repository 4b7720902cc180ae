using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Storefront.Tests.Fixtures;

/// <summary>
/// A local mail server for tests. It speaks enough of SMTP (RFC 5321: greeting, EHLO/HELO, MAIL,
/// RCPT, DATA with dot-stuffing, RSET, NOOP, QUIT) for the store's mail client, and keeps every
/// message it accepts. It listens on a port chosen up front, so it can be "away" (not started, or
/// stopped: connections are refused) and come back on the same address.
/// </summary>
public sealed partial class SmtpStandIn : IAsyncDisposable
{
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;
    private Task? _accepting;

    public int Port { get; } = PostgresServer.FreePort();

    /// <summary>Every message accepted, as sent (headers and body), oldest first.</summary>
    public ConcurrentQueue<string> Messages { get; } = new();

    /// <summary>Starts listening (again); nothing when already listening.</summary>
    public void Start()
    {
        if (_listener is not null) return;
        _stop = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _accepting = AcceptAsync(_listener, _stop.Token);
    }

    public async Task StopAsync()
    {
        if (_listener is null) return;
        await _stop!.CancelAsync();
        _listener.Stop();
        try { await _accepting!; } catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException) { }
        (_listener, _accepting) = (null, null);
        _stop.Dispose();
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>The first link in the text of the newest message to <paramref name="address"/>, decoded from quoted-printable.</summary>
    public string? LinkTo(string address)
    {
        var message = Messages.LastOrDefault(m => m.Contains($"To: {address}", StringComparison.OrdinalIgnoreCase));
        return message is null ? null : Link().Match(QuotedPrintable(message)) is { Success: true } m ? m.Value : null;
    }

    private static string QuotedPrintable(string text) =>
        Hex().Replace(text.Replace("=\r\n", "", StringComparison.Ordinal), m => ((char)Convert.ToByte(m.Groups[1].Value, 16)).ToString());

    [GeneratedRegex("=([0-9A-F]{2})")]
    private static partial Regex Hex();

    [GeneratedRegex(@"https?://[^\s""<>]+")]
    private static partial Regex Link();

    private async Task AcceptAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(ct);
            _ = Task.Run(() => ServeAsync(client, ct), ct);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken ct)
    {
        using var _ = client;
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 smtp.stand-in ESMTP ready");
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            switch (line.Split(' ', 2)[0].ToUpperInvariant())
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-smtp.stand-in");
                    await writer.WriteLineAsync("250 8BITMIME");
                    break;
                case "HELO" or "MAIL" or "RCPT" or "RSET" or "NOOP":
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                    var message = new StringBuilder();
                    while (await reader.ReadLineAsync(ct) is { } data && data != ".")
                        message.Append(data.StartsWith("..", StringComparison.Ordinal) ? data[1..] : data).Append("\r\n");
                    Messages.Enqueue(message.ToString());
                    await writer.WriteLineAsync("250 OK: queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 Bye");
                    return;
                default:
                    await writer.WriteLineAsync("502 Command not implemented");
                    break;
            }
        }
    }
}
