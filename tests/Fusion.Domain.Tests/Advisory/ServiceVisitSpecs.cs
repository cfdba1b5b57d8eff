using Fusion.Domain.Advisory;
using Fusion.Domain.Common;
using Fusion.Domain.Inspections;
using Fusion.Domain.MasterData;
using Fusion.Domain.Tests.Warnings;
using static Fusion.Domain.Tests.Risk.Haixi;

namespace Fusion.Domain.Tests.Advisory;

/// <summary>Given master data and a visit's stream → When a service visit is recorded → Then the visit and the inspection findings its problems open.</summary>
public class ServiceVisitSpecs
{
    static readonly DateTimeOffset Visited = T0 + Hours(2);
    static readonly DateOnly Deadline = DateOnly.FromDateTime(T0.AddDays(30).DateTime);

    static readonly MasterDataCatalog Catalog = WarningSpec.Catalog.ApplyAll(
    [
        new ExpertRegistered("EXP-1", "王教授", "tailings safety", "青海大学", null, null, T0),
        new StewardRegistered("STW-1", "青海绿源环保管家", null, [WarningSpec.Park], null, null, T0),
    ]);

    static RecordServiceVisit Visit(ProviderKind kind = ProviderKind.Steward, string provider = "STW-1", string? enterprise = null, string? region = WarningSpec.Park,
        params ServiceProblem[] problems) =>
        new("SV-1", kind, provider, enterprise, region, Visited, "园区环保管家月度巡查", problems, "inspector Wang", T0 + Hours(5));

    static ServiceProblem Problem(string id = "P1", string enterprise = Potash, string? site = null) =>
        new(id, enterprise, site, "危废暂存间无防渗", Severity.High, Deadline);

    [Fact]
    public void GivenAStewardsVisitToAPark_WhenRecordedWithAProblem_ThenTheVisitAndAnInspectionFindingAtTheEnterprise()
    {
        var events = ServiceVisits.Decide(Visit(problems: Problem()), null, Catalog);

        Assert.Equal(2, events.Length);
        var visit = Assert.IsType<ServiceVisitRecorded>(events[0]);
        Assert.Equal((ProviderKind.Steward, "青海绿源环保管家", WarningSpec.Park), (visit.ProviderKind, visit.ProviderName, visit.RegionId));
        Assert.Equal(["SV-1.P1"], visit.FindingIds);
        Assert.Equal(new InspectionFindingRecorded("SV-1.P1", Potash, WarningSpec.Park, null, "危废暂存间无防渗", Severity.High, Deadline, "青海绿源环保管家 (环保管家 STW-1)", Visited),
            events[1]);
    }

    [Fact]
    public void GivenTheVisitRecorded_WhenRecordedAgain_ThenNothingMore()
    {
        var state = ServiceVisit.Apply(null, ServiceVisits.Decide(Visit(problems: Problem()), null, Catalog)[0]);
        Assert.Empty(ServiceVisits.Decide(Visit(problems: Problem()), state, Catalog));
        Assert.Throws<TransitionRefused>(() => ServiceVisits.Decide(Visit(ProviderKind.Expert, "EXP-1", SaltLake, null, Problem(enterprise: SaltLake)), state, Catalog));
    }

    [Fact]
    public void GivenAnExpertsVisitToAnEnterprise_WhenAProblemNamesAnotherEnterprise_ThenRejected() =>
        Assert.Contains("not the enterprise visited",
            Assert.Throws<DomainRejected>(() => ServiceVisits.Decide(Visit(ProviderKind.Expert, "EXP-1", SaltLake, null, Problem()), null, Catalog)).Message);

    [Fact]
    public void GivenAParkVisit_WhenAProblemIsAtAnEnterpriseOutsideThePark_ThenRejected() =>
        Assert.Contains($"not in {WarningSpec.Park}", Assert.Throws<DomainRejected>(() => ServiceVisits.Decide(Visit(problems: Problem(enterprise: SaltLake)), null, Catalog)).Message);

    [Fact]
    public void GivenAnUnknownProvider_WhenRecorded_ThenRejected() =>
        Assert.Contains("'NOBODY' is not registered", Assert.Throws<DomainRejected>(() => ServiceVisits.Decide(Visit(ProviderKind.Expert, "NOBODY"), null, Catalog)).Message);

    [Fact]
    public void GivenASiteOfAnotherEnterprise_WhenNamedForAProblem_ThenRejected() =>
        Assert.Contains("is not a site of", Assert.Throws<DomainRejected>(() => ServiceVisits.Decide(Visit(problems: Problem(site: Outfall)), null, Catalog)).Message);

    [Fact]
    public void GivenAVisitWithoutProblems_WhenRecorded_ThenJustTheVisit() =>
        Assert.IsType<ServiceVisitRecorded>(Assert.Single(ServiceVisits.Decide(Visit(), null, Catalog)));
}
