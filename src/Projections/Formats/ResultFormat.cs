namespace Fusion.Projections.Formats;

public enum ResultFormat { Json, Csv, Arrow, Parquet }

public static class ResultFormats
{
    public const string ArrowStream = "application/vnd.apache.arrow.stream";
    public const string Parquet = "application/vnd.apache.parquet";

    public static string ContentType(ResultFormat f) => f switch
    {
        ResultFormat.Csv => "text/csv; charset=utf-8",
        ResultFormat.Arrow => ArrowStream,
        ResultFormat.Parquet => Parquet,
        _ => "application/json; charset=utf-8",
    };

    public static string Extension(ResultFormat f) => f switch
    {
        ResultFormat.Csv => "csv",
        ResultFormat.Arrow => "arrows",
        ResultFormat.Parquet => "parquet",
        _ => "json",
    };

    public static ResultFormat? Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "json" => ResultFormat.Json,
        "csv" => ResultFormat.Csv,
        "arrow" or "arrows" or "ipc" => ResultFormat.Arrow,
        "parquet" => ResultFormat.Parquet,
        _ => null,
    };

    /// <summary>?format= wins; otherwise the first Accept entry we serve; otherwise JSON.</summary>
    public static ResultFormat Negotiate(string? format, string? accept)
    {
        if (!string.IsNullOrWhiteSpace(format))
            return Parse(format) ?? throw Queries.AnalyticsQueryException.BadRequest(
                $"Unknown format '{format}': use json, csv, arrow or parquet.");
        foreach (var part in (accept ?? "").Split(','))
        {
            var media = part.Split(';')[0].Trim().ToLowerInvariant();
            switch (media)
            {
                case "application/json": return ResultFormat.Json;
                case "text/csv": return ResultFormat.Csv;
                case ArrowStream or "application/vnd.apache.arrow.file" or "application/x-apache-arrow-stream": return ResultFormat.Arrow;
                case Parquet or "application/x-parquet" or "application/parquet": return ResultFormat.Parquet;
            }
        }
        return ResultFormat.Json;
    }
}
