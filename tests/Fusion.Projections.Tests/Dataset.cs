using System.Text.Json;
using Fusion.Domain;
using Fusion.Domain.Common;
using Fusion.Domain.MasterData;
using Fusion.Domain.PublicReports;
using Fusion.Domain.Rectification;
using Fusion.Domain.Risk;
using Fusion.Domain.Warnings;
using Fusion.Projections.Projection;
using static Fusion.Projections.Tests.Given;

namespace Fusion.Projections.Tests;

/// <summary>
/// A small known history whose query answers are worked out by hand in NamedQueryTests. Local times
/// are China Standard Time (+08:00); some facts sit near midnight so that UTC days would differ.
/// </summary>
public static class Dataset
{
    public static readonly IReadOnlyList<AnalyticsEvent> Events = Build();

    static DateTimeOffset Local(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.FromHours(8));
    static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    static IReadOnlyList<AnalyticsEvent> Build()
    {
        var g = new Given();
        g.Add(Streams.Region(Golmud), Region(Golmud, "Golmud", "格尔木市"));
        g.Add(Streams.Region(Delingha), Region(Delingha, "Delingha", "德令哈市"));
        g.Add(SaltLake, Enterprise(SaltLake, Golmud, "Salt Lake Potash", 1_000_000_000m));
        g.Add(Potash, Enterprise(Potash, Golmud, "Golmud Potash", 500_000_000m));
        g.Add(Soda, Enterprise(Soda, Delingha, "Delingha Soda", 200_000_000m));
        g.Add(SaltLake, new SiteRegistered("s-1", SaltLake, Golmud, SiteKind.TailingsPond, "Salt Lake pond", 94.9, 36.4, T0));
        g.Add(Potash, new SiteRegistered("s-2", Potash, Golmud, SiteKind.Outfall, "Potash outfall", 94.8, 36.3, T0));
        g.Add(Soda, new SiteRegistered("s-3", Soda, Delingha, SiteKind.SlagYard, "Soda slag yard", 97.3, 37.3, T0));
        g.Add("camera:c-1", new CameraRegistered("c-1", "s-1", SaltLake, Golmud, null, T0));
        g.Add("camera:c-2", new CameraRegistered("c-2", "s-1", SaltLake, Golmud, null, T0));
        g.Add("camera:c-3", new CameraRegistered("c-3", "s-3", Soda, Delingha, null, T0));
        g.Add("monitor:mn-1", new MonitorRegistered("mn-1", "s-2", Potash, Golmud, new Dictionary<string, double> { ["w01018"] = 50, ["a21026"] = 35 }, T0));
        g.Add("commissioner:k-1", new CommissionerAssigned("k-1", "Wang", Golmud, null, null, null, T0));
        g.Add("commissioner:k-2", new CommissionerAssigned("k-2", "Zhao", Delingha, null, null, null, T0));

        // Region risk: golmud 10 → 25 on 1 March, 45 on 3 March; delingha 5 on 2 March, 8 late on 4 March, 99 just after midnight on 5 March.
        g.Add(Streams.Risk(Golmud), Assessment(Golmud, RiskSubject.Region, Golmud, 10, RiskLevel.Green, Local(3, 1, 9)));
        g.Add(Streams.Risk(Golmud), Assessment(Golmud, RiskSubject.Region, Golmud, 25, RiskLevel.Blue, Local(3, 1, 20)));
        g.Add(Streams.Risk(Golmud), Assessment(Golmud, RiskSubject.Region, Golmud, 45, RiskLevel.Yellow, Local(3, 3, 10)));
        g.Add(Streams.Risk(Delingha), Assessment(Delingha, RiskSubject.Region, Delingha, 5, RiskLevel.Green, Local(3, 2, 12)));
        g.Add(Streams.Risk(Delingha), Assessment(Delingha, RiskSubject.Region, Delingha, 8, RiskLevel.Green, Local(3, 4, 23, 30)));
        g.Add(Streams.Risk(Delingha), Assessment(Delingha, RiskSubject.Region, Delingha, 99, RiskLevel.Black, Local(3, 5, 1)));

        // Enterprise risk.
        g.Add(Streams.Risk(Soda), Assessment(Soda, RiskSubject.Enterprise, Delingha, 90, RiskLevel.Black, Local(2, 27, 12)));
        g.Add(Streams.Risk(SaltLake), Assessment(SaltLake, RiskSubject.Enterprise, Golmud, 30, RiskLevel.Blue, Local(3, 1, 10)));
        g.Add(Streams.Risk(Soda), Assessment(Soda, RiskSubject.Enterprise, Delingha, 70, RiskLevel.Red, Local(3, 1, 12)));
        g.Add(Streams.Risk(SaltLake), Assessment(SaltLake, RiskSubject.Enterprise, Golmud, 62, RiskLevel.Red, Local(3, 2, 10)));
        g.Add(Streams.Risk(Potash), Assessment(Potash, RiskSubject.Enterprise, Golmud, 40, RiskLevel.Yellow, Local(3, 2, 11)));
        g.Add(Streams.Risk(SaltLake), Assessment(SaltLake, RiskSubject.Enterprise, Golmud, 50, RiskLevel.Yellow, Local(3, 3, 10)));

        // Signals.
        g.Add(SaltLake, Alarm("a-1", SaltLake, Golmud, Local(3, 1, 9)));
        g.Add(SaltLake, Alarm("a-2", SaltLake, Golmud, Local(3, 1, 15)));
        g.Add(SaltLake, Alarm("a-3", SaltLake, Golmud, Local(3, 2, 9)));
        g.Add(Streams.Region(Golmud), AerialFinding("f-1", Golmud, null, Local(3, 1, 10)));
        g.Add(Streams.PublicReport("r-1"), Report("r-1", ReportChannel.WeChat, Golmud, Local(3, 1, 11), SaltLake));
        g.Add(Streams.PublicReport("r-2"), Report("r-2", ReportChannel.Hotline12369, Golmud, Local(3, 2, 11), Potash));
        g.Add(Streams.PublicReport("r-3"), Report("r-3", ReportChannel.Hotline12369, Delingha, Local(3, 2, 12), anonymous: true));
        // The same complaint as r-2 again, by SMS: filed as its duplicate.
        g.Add(Streams.PublicReport("r-4"), new PublicReportFiled("r-4", ReportChannel.Sms, Golmud, Potash, null, "black smoke at night again", false, "RC-4", "sealed", Local(3, 2, 15), "r-2", 0.8));
        Named(g, "public-report:r-1", "PublicReportVerified", new { ReportId = "r-1", Verdict = "Substantiated", Severity = "High", VerifiedBy = "officer-1", VerifiedAt = Local(3, 2, 9) });
        Named(g, "public-report:r-3", "PublicReportVerified", new { ReportId = "r-3", Verdict = "Unfounded", VerifiedBy = "officer-2", VerifiedAt = Local(3, 3, 9) });

        g.Add(Streams.InspectionFinding("i-1"), Finding("i-1", Potash, Golmud, new DateOnly(2026, 3, 5), Local(3, 1, 14)));
        g.Add(Streams.InspectionFinding("i-2"), Finding("i-2", Soda, Delingha, new DateOnly(2026, 3, 3), Local(3, 2, 14)));
        g.Add(Streams.InspectionFinding("i-3"), Finding("i-3", SaltLake, Golmud, new DateOnly(2026, 2, 25), Local(2, 20, 14)));
        g.Add(Streams.Case("finding-i-3"), new RectificationVerified("finding-i-3", "i-3", SaltLake, Golmud, null, "k-1", Local(2, 24, 9)));
        g.Add(Streams.InspectionFinding("i-4"), Finding("i-4", SaltLake, Golmud, new DateOnly(2026, 3, 4), Local(3, 1, 16)));
        // Reported complete but never verified on site: still open, still overdue.
        g.Add(Streams.Case("finding-i-4"), new RectificationReportedComplete("finding-i-4", "i-4", "pond relined", "manager", Local(3, 3, 9)));
        g.Add(Streams.InspectionFinding("i-5"), Finding("i-5", SaltLake, Golmud, new DateOnly(2026, 2, 10), Local(2, 1, 9)));
        g.Add(Streams.Case("finding-i-5"), new RectificationVerified("finding-i-5", "i-5", SaltLake, Golmud, "checked on site", "k-1", Local(3, 5, 9)));

        g.Add(SaltLake, Deposit("d-1", SaltLake, Golmud, 600_000m, 1_000_000m));
        g.Add(SaltLake, Deposit("d-2", SaltLake, Golmud, 200_000m, 1_000_000m));
        g.Add(Potash, Deposit("d-3", Potash, Golmud, 500_000m, 500_000m));
        // The deposits are no signals; the ledger's shortfall of a period is (one).
        g.Add(SaltLake, new Fusion.Domain.Funds.FundPeriodFellShort(SaltLake, Golmud, "2026-01", 1000m, 0m, 1000m, new DateOnly(2026, 3, 2), T0));

        Named(g, "monitor:mn-1", "EmissionLimitExceeded", new { MonitorId = "mn-1", EnterpriseId = Potash, RegionId = Golmud, Pollutant = "w01018", Value = 80.0, Limit = 50.0, PeriodStart = Local(3, 2, 0), PeriodEnd = Local(3, 2, 3) });
        Named(g, "monitor:mn-1", "EmissionLimitExceeded", new { MonitorId = "mn-1", EnterpriseId = Potash, RegionId = Golmud, Pollutant = "a21026", Value = 70.0, Limit = 35.0, OccurredAt = Local(3, 2, 5) });
        Named(g, "monitor:mn-1", "EmissionLimitExceeded", new { MonitorId = "mn-1", EnterpriseId = Potash, RegionId = Golmud, Pollutant = "w01018", Value = 60.0, Limit = 50.0, OccurredAt = Local(3, 3, 10) });
        // A minute excursion in an hour already counted: one more exceedance, no more hours.
        Named(g, "monitor:mn-1", "EmissionLimitExceeded", new { ExceedanceId = "x-4", MonitorId = "mn-1", SiteId = "s-2", EnterpriseId = Potash, RegionId = Golmud, PollutantCode = "a21026", Period = "Minute", Value = 80.0, Limit = 35.0, MeasuredAt = Local(3, 2, 5, 10) });

        Named(g, "monitor:mn-1", "MonitorWentOffline", new { MonitorId = "mn-1", EnterpriseId = Potash, RegionId = Golmud, LastSeenAt = Local(2, 28, 22) });
        Named(g, "camera:c-1", "CameraWentOffline", new { CameraId = "c-1", EnterpriseId = SaltLake, RegionId = Golmud, LastSeenAt = Local(3, 1, 0) });
        Named(g, "monitor:mn-1", "MonitorBackOnline", new { MonitorId = "mn-1", BackOnlineAt = Local(3, 1, 2) });
        Named(g, "camera:c-1", "CameraBackOnline", new { CameraId = "c-1", BackOnlineAt = Local(3, 1, 6) });
        Named(g, "camera:c-3", "CameraWentOffline", new { CameraId = "c-3", EnterpriseId = Soda, LastSeenAt = Local(3, 2, 18) });

        g.Add(Streams.Warning("w-1"), Raised("w-1", "alarms-24h", SaltLake, Golmud, Severity.High, Utc(3, 1, 16)));
        g.Add(Streams.Warning("w-1"), new WarningAcknowledged("w-1", null, "leader-1", Utc(3, 1, 16, 30)));
        g.Add(Streams.Warning("w-2"), Raised("w-2", "alarms-24h", SaltLake, Golmud, Severity.High, Utc(3, 2, 0)));
        g.Add(Streams.Warning("w-3"), Raised("w-3", "fund-absent", Soda, Delingha, Severity.Medium, Utc(3, 2, 0)));
        g.Add(Streams.Warning("w-1"), new WarningResolved("w-1", "fixed", false, "k-1", Utc(3, 1, 20)));
        g.Add(Streams.Warning("w-2"), new WarningAcknowledged("w-2", null, "leader-1", Utc(3, 2, 1, 30)));
        return g.Events;
    }

    static WarningRaised Raised(string id, string rule, string enterprise, string region, Severity severity, DateTimeOffset at) =>
        new(id, rule, "count", WarningSubject.Enterprise, enterprise, enterprise, region, severity, $"{rule} at {enterprise}", [], null, null, [], [], at);

    /// <summary>An event of a type this assembly does not have, as the store would hand it over: by name, as JSON.</summary>
    static void Named(Given g, string stream, string type, object fields) =>
        g.Add(stream, JsonSerializer.SerializeToElement(fields), type: type);
}
