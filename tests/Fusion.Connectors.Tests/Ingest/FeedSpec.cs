using System.Text.Json;
using System.Text.Json.Nodes;
using Fusion.Connectors.Ingest;
using Fusion.Domain.MasterData;

namespace Fusion.Connectors.Tests.Ingest;

/// <summary>Given a catalog → When a feed translates one record → Then the item (key, stream, events) or the rejection.</summary>
public sealed class FeedSpec(MasterDataCatalog catalog)
{
    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static FeedSpec Given(MasterDataCatalog catalog) => new(catalog);

    /// <summary>The canonical record as JSON, from the connector's own record type.</summary>
    public static JsonObject Record<T>(T record) => JsonSerializer.SerializeToNode(record, Web)!.AsObject();

    public FeedOutcome When(IFeed feed, JsonObject record)
    {
        try { return new FeedOutcome(feed.Translate(new RecordReader(JsonSerializer.SerializeToElement(record)), catalog, Haixi.ReceivedAt), null); }
        catch (RecordRejected e) { return new FeedOutcome(null, e.Message); }
    }
}

public sealed record FeedOutcome(IngestItem? Item, string? Rejection)
{
    public IngestItem ThenAccepted()
    {
        Assert.Null(Rejection);
        return Item!;
    }

    public FeedOutcome ThenEvents(params object[] expected)
    {
        Assert.Equal(expected, ThenAccepted().Events);
        return this;
    }

    public FeedOutcome ThenKeys(string key, string stream)
    {
        Assert.Equal((key, stream), (ThenAccepted().Key, Item!.StreamKey));
        return this;
    }

    public T ThenSingle<T>() => Assert.IsType<T>(Assert.Single(ThenAccepted().Events));

    public void ThenRejected(string reason)
    {
        Assert.Null(Item);
        Assert.Equal(reason, Rejection);
    }

    /// <summary>For reasons that carry culture-formatted numbers: each fragment must appear.</summary>
    public void ThenRejectedSaying(params string[] fragments)
    {
        Assert.Null(Item);
        Assert.NotNull(Rejection);
        Assert.All(fragments, f => Assert.Contains(f, Rejection));
    }
}

public static class JsonRecords
{
    public static JsonObject With(this JsonObject record, string field, JsonNode? value)
    {
        var copy = record.DeepClone().AsObject();
        copy[field] = value;
        return copy;
    }

    public static JsonObject Without(this JsonObject record, string field)
    {
        var copy = record.DeepClone().AsObject();
        copy.Remove(field);
        return copy;
    }
}
