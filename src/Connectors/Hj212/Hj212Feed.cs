using System.Globalization;
using Fusion.Connectors.Ingest;
using Fusion.Domain;
using Fusion.Domain.MasterData;
using Fusion.Domain.Monitoring;

namespace Fusion.Connectors.Hj212;

/// <summary>
/// What an HJ 212 packet means: the period's data on the monitor's stream, and each value above the site's
/// permitted limit as EmissionLimitExceeded on the enterprise's stream. Pure; throws RecordRejected with
/// the reason when the packet cannot be taken (unknown MN, a command that is not a data upload …).
/// </summary>
public static class Hj212Feed
{
    public const string Name = "hj212";
    public const string ExceedanceFeed = "hj212-exceedance";

    /// <summary>Flags whose values are real measurements and are compared with limits: normal, set manually, above range.</summary>
    public static bool IsMeasured(string flag) => flag is "N" or "S" or "T";

    /// <summary>Flags that say the instrument was not measuring.</summary>
    public static GapReason? GapOf(string flag) => flag switch
    {
        "F" => GapReason.Stopped,
        "M" => GapReason.Maintenance,
        "D" => GapReason.Fault,
        "C" => GapReason.Calibration,
        "B" => GapReason.CommunicationFault,
        _ => null,
    };

    public static DataPeriod? PeriodOf(string cn) => cn switch
    {
        Hj212Frames.RealTimeData => DataPeriod.RealTime,
        Hj212Frames.MinuteData => DataPeriod.Minute,
        Hj212Frames.HourData => DataPeriod.Hour,
        Hj212Frames.DayData => DataPeriod.Day,
        _ => null,
    };

    public static TimeSpan LengthOf(DataPeriod period) => period switch
    {
        DataPeriod.Minute => TimeSpan.FromMinutes(1),
        DataPeriod.Hour => TimeSpan.FromHours(1),
        DataPeriod.Day => TimeSpan.FromDays(1),
        _ => TimeSpan.Zero,
    };

    /// <summary>MN:QN:CN, with :PNO for one packet of a split; a 2005 upload without QN uses its DataTime instead.</summary>
    public static string ReportId(Hj212Packet p)
    {
        var qn = p.QN ?? (p.DataTime is { } t ? "T" + Hj212Frames.DataTime(t) : "-");
        var id = $"{p.MN}:{qn}:{p.CN}";
        return p.PacketNumber is { } no ? $"{id}:{no.ToString(CultureInfo.InvariantCulture)}" : id;
    }

    public static IReadOnlyList<IngestItem> Translate(Hj212Packet p, MasterDataCatalog catalog, DateTimeOffset receivedAt)
    {
        var period = PeriodOf(p.CN);
        if (period is null && p.CN != Hj212Frames.EquipmentStatus)
            throw new RecordRejected($"CN {p.CN} is not a data upload this platform takes (2011 real-time, 2051 minute, 2061 hour, 2031 day, 2021 equipment status)");
        var monitor = catalog.Monitors.GetValueOrDefault(p.MN)
            ?? throw new RecordRejected($"MN '{p.MN}' is not a monitor registered in master data");
        if (p.DataTime is not { } dataTime) throw new RecordRejected($"CP has no DataTime (CN {p.CN} data must say which period it covers)");
        if (monitor.RetiredAt(dataTime))
            throw new RecordRejected($"MN '{p.MN}' was retired from {monitor.RetiredFrom:yyyy-MM-dd}; its data for periods from then are refused");
        if (p.Pollutants.Count == 0) throw new RecordRejected("CP holds no pollutant values");

        var reportId = ReportId(p);
        var monitorStream = Streams.Monitor(monitor.MonitorId);
        if (period is not { } dataPeriod)
        {
            var statuses = p.Pollutants.Where(x => x.RunningStatus is not null)
                .Select(x => new EquipmentStatus(Hj212Pollutants.Normalize(x.Code), x.RunningStatus!.Value)).ToArray();
            if (statuses.Length == 0) throw new RecordRejected("equipment status (CN 2021) holds no -RS values");
            return [new IngestItem(Feeds.Key(Name, reportId), monitorStream,
                [new EquipmentStatusReported(reportId, monitor.MonitorId, monitor.SiteId, monitor.EnterpriseId, monitor.RegionId, statuses, dataTime, receivedAt)], dataTime)];
        }

        var realTime = dataPeriod == DataPeriod.RealTime;
        var readings = new PollutantReading[p.Pollutants.Count];
        for (var i = 0; i < readings.Length; i++)
        {
            var x = p.Pollutants[i];
            readings[i] = new PollutantReading(
                Hj212Pollutants.Normalize(x.Code), realTime ? x.Rtd : x.Avg, realTime ? x.ZsRtd : x.ZsAvg,
                x.Min, x.Max, x.Cou, FlagText(x.Flag));
        }
        var items = new List<IngestItem>(1)
        {
            new(Feeds.Key(Name, reportId), monitorStream,
                [new MonitoringDataReported(reportId, monitor.MonitorId, monitor.SiteId, monitor.EnterpriseId, monitor.RegionId,
                    dataPeriod, p.ST, readings, dataTime, receivedAt)], dataTime),
        };
        foreach (var e in Exceedances(reportId, monitor, dataPeriod, p.CN, readings, dataTime))
            items.Add(new IngestItem(Feeds.Key(ExceedanceFeed, e.ExceedanceId), Streams.Enterprise(monitor.EnterpriseId), [e], BucketStart(dataPeriod, dataTime)));
        return items;
    }

    /// <summary>
    /// When the hour an exceedance is keyed by began (minute and real-time data), or the data's own period:
    /// the exceedance's identity is kept from there for the resend window, so every frame of that hour is
    /// still recognised.
    /// </summary>
    static DateTimeOffset BucketStart(DataPeriod period, DateTimeOffset dataTime) =>
        period is DataPeriod.Hour or DataPeriod.Day ? dataTime : dataTime.AddTicks(-(dataTime.Ticks % TimeSpan.TicksPerHour));

    /// <summary>
    /// Each measured value above the limit in force for the data's time (a changed limit counts from when it took
    /// effect, so late data are judged by the limits of their period). The converted value is compared when there is one (flue-gas limits
    /// apply at reference oxygen). Minute and real-time exceedances are keyed by the hour, so a breach lasting
    /// an hour is one event, not sixty.
    /// </summary>
    public static IEnumerable<EmissionLimitExceeded> Exceedances(
        string reportId, EmissionMonitor monitor, DataPeriod period, string cn, IReadOnlyList<PollutantReading> readings, DateTimeOffset dataTime)
    {
        var limits = monitor.LimitsAt(dataTime);
        foreach (var r in readings)
        {
            if (!IsMeasured(r.Flag) || !limits.TryGetValue(r.Code, out var limit)) continue;
            if ((r.ConvertedValue ?? r.Value) is not { } value || value <= limit) continue;
            var bucket = period is DataPeriod.Hour or DataPeriod.Day
                ? Hj212Frames.DataTime(dataTime)
                : Hj212Frames.DataTime(dataTime)[..10];
            var info = Hj212Pollutants.Describe(r.Code);
            yield return new EmissionLimitExceeded(
                $"{monitor.MonitorId}:{r.Code}:{cn}:{bucket}", monitor.MonitorId, monitor.SiteId, monitor.EnterpriseId, monitor.RegionId, reportId,
                r.Code, info.Name, info.Unit, period, value, limit, r.Flag, dataTime);
        }
    }

    static readonly string[] FlagTexts = ["N", "F", "M", "S", "D", "C", "T", "B"];

    static string FlagText(char flag) => "NFMSDCTB".IndexOf(flag) is var i and >= 0 ? FlagTexts[i] : flag.ToString();
}
