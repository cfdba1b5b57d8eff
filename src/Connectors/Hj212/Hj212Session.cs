using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Fusion.Connectors.Ingest;
using Fusion.Domain.MasterData;

namespace Fusion.Connectors.Hj212;

/// <summary>
/// One frame as received: parsed, or what is wrong with it. Raw points into the receive buffer and is valid
/// only until the store call it was passed to returns.
/// </summary>
public readonly record struct Hj212Received(ReadOnlySequence<byte> Raw, Hj212Packet? Packet, string? Problem, DateTimeOffset ReceivedAt);

/// <summary>
/// Stores one read's frames durably (events, or quarantine for what cannot be taken) and returns only then.
/// An exception means nothing was stored: the connection is dropped unacknowledged and the device resends.
/// </summary>
public delegate Task StoreFrames(IReadOnlyList<Hj212Received> frames, CancellationToken ct);

/// <summary>
/// How long a connection may wait: for the next frame to begin (Idle), and for a frame, once its first bytes came,
/// to be complete (Frame). Timer is the clock the waits run on (real time on a live connection).
/// </summary>
public sealed record Hj212SessionLimits(TimeSpan Idle, TimeSpan Frame, TimeProvider Timer)
{
    public static readonly Hj212SessionLimits None = new(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan, TimeProvider.System);
}

/// <summary>A connection ended because it waited longer than a <see cref="Hj212SessionLimits"/> allows; Reason names which ("idle", "frame").</summary>
public sealed class Hj212SessionExpired(string reason, string message) : Exception(message)
{
    public string Reason => reason;
}

/// <summary>
/// The HJ 212 conversation on one connection (a data logger's TCP link, which may stay open for days):
/// read, cut into frames, store the frames of each read in one call, and only then send the data replies
/// the frames asked for. Bad frames are stored (quarantined) too but get no reply; the connection carries on —
/// unless it stays silent longer than the idle limit, or a frame once begun is not complete within the frame
/// limit (a peer trickling bytes): then <see cref="Hj212SessionExpired"/> ends it.
/// </summary>
public static class Hj212Session
{
    /// <param name="admit">
    /// Turns a frame whose sender is not allowed (its PW) into a rejected one: stored as such, never answered. It may take
    /// a while (a password not checked before); only this connection waits for it.
    /// </param>
    public static async Task RunAsync(PipeReader input, PipeWriter output, StoreFrames store, TimeProvider time, CancellationToken ct, Hj212SessionLimits? limits = null,
        Func<Hj212Received, CancellationToken, ValueTask<Hj212Received>>? admit = null)
    {
        limits ??= Hj212SessionLimits.None;
        var frames = new List<Hj212Received>();
        long? partSince = null;
        while (true)
        {
            var result = await ReadAsync(input, limits, partSince, ct);
            var buffer = result.Buffer;
            var consumed = Read(buffer, result.IsCompleted, time.GetUtcNow(), frames);
            if (admit is not null)
                for (var i = 0; i < frames.Count; i++) frames[i] = await admit(frames[i], ct);
            if (frames.Count > 0)
            {
                await store(frames, ct);
                foreach (var f in frames)
                    if (f.Packet is { ReplyRequested: true } p) output.Write(Hj212Frames.Reply(p));
                frames.Clear();
                await output.FlushAsync(ct);
            }
            // A frame begun but not complete: its time limit runs from the read that brought its first bytes.
            partSince = buffer.Slice(consumed).IsEmpty ? null : partSince ?? limits.Timer.GetTimestamp();
            input.AdvanceTo(consumed, buffer.End);
            if (result.IsCompleted || result.IsCanceled) break;
        }
    }

    static async ValueTask<ReadResult> ReadAsync(PipeReader input, Hj212SessionLimits limits, long? partSince, CancellationToken ct)
    {
        var (reason, limit) = partSince is { } since ? ("frame", limits.Frame) : ("idle", limits.Idle);
        if (limit == Timeout.InfiniteTimeSpan) return await input.ReadAsync(ct);
        var wait = partSince is { } started ? limit - limits.Timer.GetElapsedTime(started) : limit;
        using var timeout = new CancellationTokenSource(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, limits.Timer);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            return await input.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new Hj212SessionExpired(reason, reason == "idle"
                ? $"no frame began within the idle limit of {limit.TotalSeconds:0.###} s"
                : $"a frame begun was not complete within the frame limit of {limit.TotalSeconds:0.###} s");
        }
    }

    /// <summary>Cuts and parses every whole frame in the buffer into <paramref name="frames"/>; returns where the unread rest starts.</summary>
    public static SequencePosition Read(in ReadOnlySequence<byte> buffer, bool isFinal, DateTimeOffset receivedAt, List<Hj212Received> frames)
    {
        var remaining = buffer;
        while (true)
        {
            var status = Hj212Framing.TryRead(remaining, isFinal, out var frame, out var next);
            remaining = remaining.Slice(next);
            if (status == Hj212ReadStatus.NeedMoreData) return next;
            frames.Add(Parse(frame, receivedAt));
        }
    }

    /// <summary>All frames of a captured log or a request body (nothing more will come).</summary>
    public static List<Hj212Received> ReadAll(ReadOnlySequence<byte> bytes, DateTimeOffset receivedAt)
    {
        var frames = new List<Hj212Received>();
        Read(bytes, isFinal: true, receivedAt, frames);
        return frames;
    }

    static Hj212Received Parse(in Hj212RawFrame frame, DateTimeOffset receivedAt)
    {
        if (!frame.IsValid) return new Hj212Received(frame.Raw, null, frame.Problem, receivedAt);
        return Hj212Parser.TryParse(frame.Data, out var packet, out var problem)
            ? new Hj212Received(frame.Raw, packet, null, receivedAt)
            : new Hj212Received(frame.Raw, null, problem, receivedAt);
    }

    /// <summary>
    /// What received frames mean, as one batch for the ingest writer: each frame's items, or its rejection with
    /// the raw bytes (printable ASCII kept, other bytes as \xNN, so nothing is lost and any store can hold it).
    /// </summary>
    public static TranslatedBatch Translate(IReadOnlyList<Hj212Received> frames, MasterDataCatalog catalog, IngestChecks? checks = null) =>
        IngestBatch.Translate(Hj212Feed.Name, frames.Select((f, i) => new SourceRecord<Hj212Received>(
                i, f.Packet is { } p ? $"{p.MN}:{p.QN}:{p.CN}" : null, () => RawText(f.Raw), f, f.Packet is null ? f.Problem ?? "unreadable frame" : null)),
            f => Hj212Feed.Translate(f.Packet!, catalog, f.ReceivedAt), checks);

    /// <summary>The bytes a RawText stands for (to replay a quarantined frame once its cause is fixed).</summary>
    public static byte[] RawBytes(string rawText)
    {
        var bytes = new List<byte>(rawText.Length);
        for (var i = 0; i < rawText.Length; i++)
        {
            if (rawText[i] != '\\' || i + 1 >= rawText.Length) { bytes.Add((byte)rawText[i]); continue; }
            switch (rawText[++i])
            {
                case 'r': bytes.Add((byte)'\r'); break;
                case 'n': bytes.Add((byte)'\n'); break;
                case 'x' when i + 2 < rawText.Length: bytes.Add(Convert.ToByte(rawText.Substring(i + 1, 2), 16)); i += 2; break;
                default: bytes.Add((byte)rawText[i]); break;
            }
        }
        return [.. bytes];
    }

    public static string RawText(in ReadOnlySequence<byte> raw)
    {
        var sb = new StringBuilder((int)Math.Min(raw.Length, 64 * 1024));
        foreach (var segment in raw)
            foreach (var b in segment.Span)
            {
                if (b is >= 0x20 and < 0x7F and not (byte)'\\') sb.Append((char)b);
                else if (b == '\r') sb.Append("\\r");
                else if (b == '\n') sb.Append("\\n");
                else if (b == '\\') sb.Append("\\\\");
                else sb.Append("\\x").Append(b.ToString("X2"));
            }
        return sb.ToString();
    }
}
