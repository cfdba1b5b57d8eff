using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace Fusion.Projections.Formats;

/// <summary>The Arrow IPC stream format, batch by batch as DuckDB produces them.</summary>
public static class ArrowResult
{
    public static async Task<long> WriteAsync(IArrowArrayStream source, Stream output, int maxRows, CancellationToken ct)
    {
        using var writer = new ArrowStreamWriter(output, source.Schema, leaveOpen: true);
        await writer.WriteStartAsync(ct);
        long n = 0;
        while (n < maxRows && await source.ReadNextRecordBatchAsync(ct) is { } batch)
        {
            using (batch)
            {
                var take = (int)Math.Min(batch.Length, maxRows - n);
                if (take == batch.Length) await writer.WriteRecordBatchAsync(batch, ct);
                else
                {
                    using var slice = batch.Slice(0, take);
                    await writer.WriteRecordBatchAsync(slice, ct);
                }
                n += take;
            }
        }
        await writer.WriteEndAsync(ct);
        return n;
    }
}
