using System.Buffers;

namespace Fusion.Connectors.Hj212;

public enum Hj212ReadStatus { Frame, Rejected, NeedMoreData }

/// <summary>
/// A slice of the received bytes: a well-formed frame whose CRC checked out (Problem null, Data is the data
/// segment) or bytes that are not one, with the reason in plain words. The slices point into the caller's
/// buffer: use them before advancing past it.
/// </summary>
public readonly record struct Hj212RawFrame(ReadOnlySequence<byte> Raw, ReadOnlySequence<byte> Data, string? Problem)
{
    public bool IsValid => Problem is null;
}

public sealed record Hj212Decoded(IReadOnlyList<Hj212RawFrame> Frames, SequencePosition Consumed);

/// <summary>
/// HJ 212 framing: "##", the data segment's length as 4 decimal digits, the data segment, its CRC as 4 hex
/// digits (either case), CR LF. A pure function over a buffer: frames may be split across reads or several
/// may arrive in one; a bad frame is reported with its bytes and the decoder carries on with the next.
/// </summary>
public static class Hj212Framing
{
    public const int HeaderLength = 6;
    public const int TrailerLength = 6;
    public const int MaxDataLength = 9999;
    public const int MaxFrameLength = HeaderLength + MaxDataLength + TrailerLength;

    static ReadOnlySpan<byte> Start => "##"u8;
    static ReadOnlySpan<byte> End => "\r\n"u8;

    /// <summary>
    /// Reads the next frame (or rejected bytes) from the start of the buffer. Consumed is where the next read
    /// starts; on NeedMoreData it may have moved past line breaks and blanks between frames.
    /// When <paramref name="isFinal"/> (the connection closed, or a whole file), leftover bytes are rejected
    /// rather than waited for.
    /// </summary>
    public static Hj212ReadStatus TryRead(in ReadOnlySequence<byte> buffer, bool isFinal, out Hj212RawFrame frame, out SequencePosition consumed)
    {
        frame = default;
        var reader = new SequenceReader<byte>(buffer);
        reader.AdvancePastAny("\r\n \t\0"u8);
        consumed = reader.Position;
        if (reader.End) return Hj212ReadStatus.NeedMoreData;

        var rest = buffer.Slice(reader.Position);
        if (!StartsWith(rest, Start))
        {
            if (rest.Length == 1 && rest.FirstSpan[0] == (byte)'#' && !isFinal) return Hj212ReadStatus.NeedMoreData;
            // Bytes outside any frame, up to the next "##" (a trailing lone '#' may begin one).
            var next = IndexOf(rest, Start, 1);
            long length = next >= 0 ? next : isFinal || rest.Slice(rest.Length - 1).FirstSpan[0] != (byte)'#' ? rest.Length : rest.Length - 1;
            return Reject(rest, length, $"{length} byte(s) outside any frame (a frame starts with ##)", out frame, out consumed);
        }

        if (rest.Length < HeaderLength)
            return isFinal ? Reject(rest, rest.Length, "the connection ended inside a frame header", out frame, out consumed) : Hj212ReadStatus.NeedMoreData;

        Span<byte> lengthDigits = stackalloc byte[4];
        rest.Slice(2, 4).CopyTo(lengthDigits);
        if (!TryParseLength(lengthDigits, out var dataLength))
        {
            var end = BadFrameEnd(rest, 2);
            if (end < 0)
            {
                if (!isFinal && rest.Length < MaxFrameLength) return Hj212ReadStatus.NeedMoreData;
                end = rest.Length;
            }
            return Reject(rest, end, $"the length field '{Printable(lengthDigits)}' is not 4 decimal digits", out frame, out consumed);
        }

        var total = HeaderLength + dataLength + TrailerLength;
        var endAt = HeaderLength + dataLength + 4;
        if (rest.Length >= total && StartsWith(rest.Slice(endAt, 2), End))
        {
            var raw = rest.Slice(0, total);
            var data = rest.Slice(HeaderLength, dataLength);
            Span<byte> crcDigits = stackalloc byte[4];
            rest.Slice(HeaderLength + dataLength, 4).CopyTo(crcDigits);
            consumed = raw.End;
            if (!Hj212Crc.TryParseHex(crcDigits, out var declared))
            {
                frame = new Hj212RawFrame(raw, data, $"the CRC field '{Printable(crcDigits)}' is not 4 hex digits");
                return Hj212ReadStatus.Rejected;
            }
            var computed = Hj212Crc.Compute(data);
            if (computed != declared)
            {
                frame = new Hj212RawFrame(raw, data, $"bad CRC: the frame says {declared:X4} but its data segment gives {computed:X4}");
                return Hj212ReadStatus.Rejected;
            }
            frame = new Hj212RawFrame(raw, data, null);
            return Hj212ReadStatus.Frame;
        }

        // The frame does not end where its length says. Where does it really end? At the first CR LF (a data
        // segment holds none) or before the next "##" (a device that restarted mid-frame).
        var actualEnd = BadFrameEnd(rest, HeaderLength);
        if (actualEnd < 0)
        {
            if (!isFinal && rest.Length < MaxFrameLength) return Hj212ReadStatus.NeedMoreData;
            return Reject(rest, rest.Length, isFinal
                ? $"the connection ended inside a frame: its length field says {dataLength} data bytes, {Math.Max(0, rest.Length - HeaderLength)} byte(s) arrived"
                : $"no frame end (CR LF) within {MaxFrameLength} bytes", out frame, out consumed);
        }
        var withoutTerminator = StartsWith(rest.Slice(actualEnd - 2), End) ? actualEnd - 2 : actualEnd;
        var found = Math.Max(0, withoutTerminator - HeaderLength - 4);
        return Reject(rest, actualEnd,
            $"bad length: the length field says {dataLength} data bytes but the frame holds {found}", out frame, out consumed);
    }

    /// <summary>All frames and rejected slices in the buffer, in order, and where reading should resume.</summary>
    public static Hj212Decoded Decode(in ReadOnlySequence<byte> buffer, bool isFinal = false)
    {
        var frames = new List<Hj212RawFrame>();
        var remaining = buffer;
        var consumedAt = buffer.Start;
        while (true)
        {
            var status = TryRead(remaining, isFinal, out var frame, out var consumed);
            consumedAt = consumed;
            remaining = remaining.Slice(consumed);
            if (status == Hj212ReadStatus.NeedMoreData) break;
            frames.Add(frame);
        }
        return new Hj212Decoded(frames, consumedAt);
    }

    static Hj212ReadStatus Reject(in ReadOnlySequence<byte> rest, long length, string problem, out Hj212RawFrame frame, out SequencePosition consumed)
    {
        var raw = rest.Slice(0, length);
        frame = new Hj212RawFrame(raw, default, problem);
        consumed = raw.End;
        return Hj212ReadStatus.Rejected;
    }

    /// <summary>Offset just past the first CR LF at or after <paramref name="from"/>, or of the next "##", whichever comes first; -1 when neither.</summary>
    static long BadFrameEnd(in ReadOnlySequence<byte> rest, long from)
    {
        var crlf = IndexOf(rest, End, from);
        var nextStart = IndexOf(rest, Start, from);
        if (crlf >= 0 && (nextStart < 0 || crlf < nextStart)) return crlf + 2;
        return nextStart;
    }

    static long IndexOf(in ReadOnlySequence<byte> sequence, ReadOnlySpan<byte> pattern, long from)
    {
        if (from >= sequence.Length) return -1;
        var reader = new SequenceReader<byte>(sequence.Slice(from));
        return reader.TryReadTo(out ReadOnlySequence<byte> before, pattern, advancePastDelimiter: false) ? from + before.Length : -1;
    }

    static bool StartsWith(in ReadOnlySequence<byte> sequence, ReadOnlySpan<byte> prefix)
    {
        if (sequence.Length < prefix.Length) return false;
        if (sequence.FirstSpan.Length >= prefix.Length) return sequence.FirstSpan.StartsWith(prefix);
        Span<byte> head = stackalloc byte[prefix.Length];
        sequence.Slice(0, prefix.Length).CopyTo(head);
        return head.SequenceEqual(prefix);
    }

    static bool TryParseLength(ReadOnlySpan<byte> digits, out int length)
    {
        length = 0;
        foreach (var d in digits)
        {
            if (d is < (byte)'0' or > (byte)'9') return false;
            length = length * 10 + (d - '0');
        }
        return true;
    }

    static string Printable(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = stackalloc char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++) chars[i] = bytes[i] is >= 0x20 and < 0x7F ? (char)bytes[i] : '?';
        return new string(chars);
    }
}
