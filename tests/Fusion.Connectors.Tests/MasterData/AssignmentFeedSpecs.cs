using System.Text.Json;
using Fusion.Connectors.Ingest;
using Fusion.Connectors.MasterData;
using Fusion.Domain.MasterData;
using static Fusion.Connectors.Tests.Ingest.Haixi;

namespace Fusion.Connectors.Tests.MasterData;

/// <summary>Leaders' and commissioners' entries over time: assigned, reassigned from a date, ended; repeats are duplicates by key.</summary>
public class AssignmentFeedSpecs
{
    static readonly DateTimeOffset Now = ReceivedAt;
    static readonly DateTimeOffset June1 = Tenures.StartOf(new DateOnly(2026, 6, 1));

    static string Leader(string area, string? from = null, string? until = null) =>
        $$"""{ "leaders": [{ "leaderId": "ldr-7", "name": "Zhang Wei", "title": "Deputy Mayor", "areaId": "{{area}}"{{(from is null ? "" : $", \"from\": \"{from}\"")}}{{(until is null ? "" : $", \"until\": \"{until}\"")}} }] }""";

    static TranslatedBatch Translate(MasterDataCatalog known, string document) => MasterDataFeed.Translate(JsonDocument.Parse(document).RootElement, known, Now);

    static MasterDataCatalog After(MasterDataCatalog known, string document) => known.ApplyAll(Translate(known, document).Accepted.SelectMany(a => a.Item.Events));

    static readonly MasterDataCatalog Assigned = After(Catalog, Leader("golmud"));

    [Fact]
    public void GivenAnAssignedLeader_WhenTheSameEntryComesAgain_ThenItHasThePersonsKey_ADuplicate() =>
        Assert.Equal(["master-data:leader:ldr-7"], Translate(Assigned, Leader("golmud")).Accepted.Select(a => a.Item.Key));

    [Fact]
    public void GivenAnAssignedLeader_WhenAnotherAreaComesWithTheDateItTakesEffect_ThenTheyAreReassignedThen()
    {
        var (_, item) = Assert.Single(Translate(Assigned, Leader("delingha", from: "2026-06-01")).Accepted);

        Assert.Equal(("master-data:leader:ldr-7:from:20260601:delingha", "leader:ldr-7"), (item.Key, item.StreamKey));
        Assert.Equal([new LeaderReassigned("ldr-7", "Zhang Wei", "Deputy Mayor", "delingha", null, null, LeaderLevel.Region, "golmud", June1, Now)], item.Events);
    }

    [Fact]
    public void GivenAnAssignedLeader_WhenAnotherAreaComesWithoutADate_ThenRejectedAskingForIt() =>
        Assert.Equal("leaders: leader 'ldr-7' answers for 'golmud'; to assign them to 'delingha' give 'from', the date it takes effect (yyyy-MM-dd)",
            Assert.Single(Translate(Assigned, Leader("delingha")).Rejected).Reason);

    [Fact]
    public void GivenAReassignedLeader_WhenTheOriginalUndatedEntryComesAgain_ThenItIsADuplicate_NotAMoveBack()
    {
        var moved = After(Assigned, Leader("delingha", from: "2026-06-01"));

        Assert.Equal(["master-data:leader:ldr-7"], Translate(moved, Leader("golmud")).Accepted.Select(a => a.Item.Key));
        Assert.Equal(["master-data:leader:ldr-7:from:20260601:delingha"], Translate(moved, Leader("delingha", from: "2026-06-01")).Accepted.Select(a => a.Item.Key));
    }

    [Fact]
    public void GivenAReassignedLeader_WhenAReassignmentDatedBeforeTheirLatestComes_ThenRejected()
    {
        var moved = After(Assigned, Leader("delingha", from: "2026-06-01"));

        Assert.Contains("would come before it", Assert.Single(Translate(moved, Leader("da-qaidam", from: "2026-05-01")).Rejected).Reason);
    }

    [Fact]
    public void GivenAnAssignedLeader_WhenAnEndDateComes_ThenTheAssignmentEndsThen_AndTheSameEndAgainIsADuplicate()
    {
        var batch = Translate(Assigned, Leader("golmud", until: "2026-10-31"));

        var keys = batch.Accepted.Select(a => a.Item.Key).ToList();
        Assert.Equal(["master-data:leader:ldr-7", "master-data:leader:ldr-7:until:20261031"], keys);
        Assert.Equal(new LeaderAssignmentEnded("ldr-7", "golmud", Tenures.StartOf(new DateOnly(2026, 10, 31)), Now), batch.Accepted[1].Item.Events[0]);
        var ended = Assigned.ApplyAll(batch.Accepted.SelectMany(a => a.Item.Events));
        Assert.Equal(keys, Translate(ended, Leader("golmud", until: "2026-10-31")).Accepted.Select(a => a.Item.Key));
        Assert.Contains("already ended on 2026-10-31", Assert.Single(Translate(ended, Leader("golmud", until: "2026-11-30")).Rejected).Reason);
    }

    [Fact]
    public void GivenAnEndBeforeTheStart_WhenTranslated_ThenRejected() =>
        Assert.Contains("should come after 'from'", Assert.Single(Translate(Catalog, Leader("golmud", from: "2026-06-01", until: "2026-05-01")).Rejected).Reason);

    [Fact]
    public void GivenACommissioner_WhenReassignedFromADate_ThenTheCommissionerMoves()
    {
        var assigned = After(Catalog, """{ "commissioners": [{ "commissionerId": "cm-1", "name": "Ma Lin", "regionId": "golmud" }] }""");

        var (_, item) = Assert.Single(Translate(assigned, """{ "commissioners": [{ "commissionerId": "cm-1", "name": "Ma Lin", "regionId": "delingha", "from": "2026-06-01" }] }""").Accepted);

        Assert.Equal([new CommissionerReassigned("cm-1", "Ma Lin", "delingha", null, null, "golmud", June1, Now)], item.Events);
    }
}
