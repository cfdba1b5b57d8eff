using Fusion.Connectors.Ingest;
using Fusion.Connectors.Inspections;
using Fusion.Domain.Common;
using Fusion.Domain.Inspections;
using static Fusion.Connectors.Tests.Ingest.Haixi;

namespace Fusion.Connectors.Tests.Inspections;

/// <summary>The inspectors' spreadsheet as CSV: Chinese headings, the policy's grades, dates and Beijing times as typed into it.</summary>
public class InspectionCsvSpecs
{
    static readonly InspectionFindingFeed Feed = new();

    static TranslatedBatch When(string csv) => IngestBatch.Translate(Feed.Name,
        CsvRecords.Read(csv, InspectionFindingFeed.CsvColumns, InspectionFindingFeed.RequiredColumns, Feed.IdField, InspectionFindingFeed.CsvValues),
        r => [Feed.Translate(r, Catalog, ReceivedAt)]);

    const string Heading = "问题编号,统一社会信用代码,点位编号,问题描述,问题等级,整改期限,检查人,检查时间\n";

    [Theory]
    [InlineData("一般", Severity.Low)]
    [InlineData("较大", Severity.Medium)]
    [InlineData("重大", Severity.High)]
    [InlineData("特别重大", Severity.Critical)]
    [InlineData("high", Severity.High)]
    public void GivenThePolicysGrade_WhenTranslated_ThenItIsTheSeverityOneForOne(string grade, Severity severity) =>
        Assert.Equal(severity, Assert.IsType<InspectionFindingRecorded>(Assert.Single(Assert.Single(
            When(Heading + $"HX-2026-114,{SaltLake},outfall-1,排污口超标排放,{grade},2026/12/31,王检查,2026/11/27 10:30").Accepted).Item.Events)).Severity);

    [Fact]
    public void GivenARowOfTheSpreadsheet_WhenTranslated_ThenTheFindingHasItsDatesAndTheTimeInBeijing()
    {
        var finding = Assert.IsType<InspectionFindingRecorded>(Assert.Single(Assert.Single(
            When(Heading + $"HX-2026-114,{SaltLake},outfall-1,\"排污口超标排放, 未按期整改\",较大,2026/12/31,王检查,2026-11-27 10:30").Accepted).Item.Events));

        Assert.Equal(new InspectionFindingRecorded("HX-2026-114", SaltLake, "golmud", "outfall-1", "排污口超标排放, 未按期整改", Severity.Medium,
            new DateOnly(2026, 12, 31), "王检查", new DateTimeOffset(2026, 11, 27, 10, 30, 0, Beijing)), finding);
    }

    [Fact]
    public void GivenAnUnknownGradeAndAMissingInspector_WhenTranslated_ThenEachRowIsRejectedByItself()
    {
        var batch = When(Heading +
            $"HX-1,{SaltLake},,扬尘,严重,2026-12-31,王检查,2026-11-27 10:30\n" +
            $"HX-2,{SaltLake},,扬尘,一般,2026-12-31,,2026-11-27 10:30\n" +
            $"HX-3,{SaltLake},,扬尘,一般,2026-12-31,王检查,2026-11-27 10:30\n");

        Assert.Single(batch.Accepted);
        Assert.Equal([("HX-1", "'severity' is '严重'; use one of: low, medium, high, critical"), ("HX-2", "'recordedBy' is missing or empty")],
            batch.Rejected.Select(r => (r.RecordId!, r.Reason)));
    }

    [Fact]
    public void GivenASheetWithoutARectifyByColumn_WhenRead_ThenRefusedNamingIt() =>
        Assert.StartsWith("the CSV has no column for 'rectifyBy'", Assert.Throws<RecordRejected>(() =>
            CsvRecords.Read("问题编号,统一社会信用代码,问题描述,问题等级,检查人,检查时间\n", InspectionFindingFeed.CsvColumns, InspectionFindingFeed.RequiredColumns, "findingId")).Message);
}
