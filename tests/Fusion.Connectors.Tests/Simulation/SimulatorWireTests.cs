using System.Text.Json;
using Fusion.Connectors.Aerial;
using Fusion.Connectors.Funds;
using Fusion.Connectors.Ingest;
using Fusion.Connectors.Inspections;
using Fusion.Connectors.MasterData;
using Fusion.Connectors.PublicReports;
using Fusion.Connectors.Simulation;
using Fusion.Domain.Funds;
using Fusion.Domain.MasterData;
using Fusion.Domain.PublicReports;

namespace Fusion.Connectors.Tests.Simulation;

/// <summary>The simulator's records in the formats their senders use, read back by the platform's own parsers.</summary>
public class SimulatorWireTests
{
    static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8));
    static readonly DateTimeOffset Now = Start.AddDays(16);
    static readonly MasterDataDocument Seed = HaixiSeed.Generate();
    static readonly MasterDataCatalog Catalog = MasterDataCatalog.Empty.ApplyAll(
        MasterDataFeed.Translate(JsonSerializer.SerializeToElement(Seed, HaixiSeed.JsonOptions), MasterDataCatalog.Empty, Start).Accepted.SelectMany(a => a.Item.Events));

    static readonly Lazy<List<WireRequest>> LazyRequests = new(() =>
    {
        var wire = new SimulatorWire(Seed);
        return SimulatorRunner.Regroup(new HaixiSimulator(Seed, Start).Between(Start, Start.AddDays(15)), TimeSpan.FromDays(2), 300)
            .SelectMany(b => wire.Requests(b.Feed, b.Records)).ToList();
    });

    static List<WireRequest> Requests => LazyRequests.Value;

    /// <summary>The body read as the host reads it, by its Content-Type.</summary>
    static List<SourceRecord<RecordReader>> Read(WireRequest r)
    {
        var charset = r.ContentType.Contains("gb18030") ? "gb18030" : null;
        var feed = Feeds.All[r.Feed];
        if (r.ContentType == AerialGeoJson.MediaType) return AerialGeoJson.Features(JsonDocument.Parse(r.Body).RootElement).ToList();
        if (r.ContentType == "message/rfc822") return [PublicReportFormats.FromEmail(r.Body, new PublicReportFeed())];
        if (r.ContentType.StartsWith("text/csv"))
        {
            var text = CsvRecords.Decode(r.Body, charset);
            return r.Feed switch
            {
                SimulationFeeds.PublicReports => PublicReportFormats.FromCsv(text, new PublicReportFeed()).ToList(),
                SimulationFeeds.InspectionFindings => CsvRecords.Read(text, InspectionFindingFeed.CsvColumns, InspectionFindingFeed.RequiredColumns, feed.IdField, InspectionFindingFeed.CsvValues).ToList(),
                SimulationFeeds.BankStatements => CsvRecords.Read(text, BankStatementFeed.CsvColumns, BankStatementFeed.RequiredColumns, feed.IdField).ToList(),
                SimulationFeeds.SalesRevenue => CsvRecords.Read(text, SalesRevenueFeed.CsvColumns, SalesRevenueFeed.RequiredColumns, feed.IdField).ToList(),
                _ => throw new InvalidOperationException($"{r.Feed} takes no CSV"),
            };
        }
        var array = JsonDocument.Parse(r.Body).RootElement;
        return r.Feed == SimulationFeeds.PublicReports
            ? Feeds.Records(JsonSerializer.SerializeToElement(array.EnumerateArray().Select(PublicReportFormats.Canonical).ToList()), feed.IdField).ToList()
            : Feeds.Records(array, feed.IdField).ToList();
    }

    [Fact]
    public void GivenTwoWeeksOfRecords_WhenPutOnTheWire_ThenEveryFormatTheFeedsTakeIsSent()
    {
        bool Sent(string feed, string type, string? holding = null) =>
            Requests.Any(r => r.Feed == feed && r.ContentType.StartsWith(type) && (holding is null || System.Text.Encoding.UTF8.GetString(r.Body).Contains(holding)));
        Assert.True(Sent(SimulationFeeds.AerialFindings, AerialGeoJson.MediaType, "FeatureCollection"));
        Assert.True(Sent(SimulationFeeds.PublicReports, "text/csv; charset=gb18030"), "the 12369 CSV export");
        Assert.True(Sent(SimulationFeeds.PublicReports, "message/rfc822"), "e-mail");
        Assert.True(Sent(SimulationFeeds.PublicReports, "application/json", "\"sender\""), "SMS");
        Assert.True(Sent(SimulationFeeds.PublicReports, "application/json", "\"MsgId\""), "WeChat");
        Assert.True(Sent(SimulationFeeds.InspectionFindings, "text/csv", "问题编号"), "the inspectors' sheet");
        Assert.True(Sent(SimulationFeeds.BankStatements, "text/csv", "交易流水号"), "bank statements");
        Assert.True(Sent(SimulationFeeds.SalesRevenue, "text/csv", "所属期"), "sales declarations");
        Assert.True(Sent(SimulationFeeds.CameraAlarms, "application/json"));
    }

    [Fact]
    public void GivenTheWireRequests_WhenReadAndTranslatedAsTheHostDoes_ThenEveryRecordIsTaken_AndDepositsAndReportsArriveAsBefore()
    {
        var events = new List<object>();
        foreach (var request in Requests)
        {
            var records = Read(request);
            Assert.Equal(request.Records, records.Count);
            var feed = Feeds.Unhosted(request.Feed);
            var batch = IngestBatch.Translate(feed.Name, records, r => [feed.Translate(r, Catalog, Now)]);
            Assert.True(batch.Rejected.Count == 0, $"{request.Feed} ({request.ContentType}): {string.Join("; ", batch.Rejected.Take(3).Select(x => $"{x.RecordId}: {x.Reason}"))}");
            events.AddRange(batch.Accepted.SelectMany(a => a.Item.Events));
        }
        var deposits = new HaixiSimulator(Seed, Start).Between(Start, Start.AddDays(15)).SelectMany(b => b.Records).OfType<FundDepositRecord>().ToList();
        var banked = events.OfType<FundDepositBanked>().ToList();
        Assert.Equal(deposits.Count, banked.Count);
        Assert.Equal(deposits.Sum(d => d.AmountYuan), banked.Sum(b => b.AmountYuan));
        Assert.Equal(deposits.Count, events.OfType<SalesRevenueDeclared>().Count(s => s.DeclarationId.EndsWith("-SR")));
        var reports = events.OfType<PublicReportFiled>().ToList();
        Assert.Contains(reports, r => r.Channel == ReportChannel.Email);
        Assert.Contains(reports, r => r.Channel == ReportChannel.Sms);
        Assert.Contains(reports, r => r.Channel == ReportChannel.WeChat && r.SiteId is not null);
        Assert.Contains(reports, r => r.Channel == ReportChannel.Hotline12369 && r.SiteId is not null);
    }
}
