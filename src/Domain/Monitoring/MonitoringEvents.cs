namespace Fusion.Domain.Monitoring;

/// <summary>The period an HJ 212 data upload covers: real-time (CN 2011), minute (2051), hour (2061), day (2031).</summary>
public enum DataPeriod { RealTime, Minute, Hour, Day }

/// <summary>Why a monitor was not measuring: no data at all, or the instrument's own data flag.</summary>
public enum GapReason
{
    NoData,
    /// <summary>Flag F: the source or the instrument was stopped.</summary>
    Stopped,
    /// <summary>Flag M: maintenance.</summary>
    Maintenance,
    /// <summary>Flag D: instrument fault.</summary>
    Fault,
    /// <summary>Flag C: calibration.</summary>
    Calibration,
    /// <summary>Flag B: communication fault between instrument and data logger.</summary>
    CommunicationFault,
}

/// <summary>
/// One pollutant's values for one period as the instrument reported them (HJ 212 CP group).
/// Value is Rtd for real-time data and Avg otherwise; ConvertedValue is the converted (折算, reference
/// oxygen) value when the instrument reports one (ZsRtd / ZsAvg), which is what flue-gas limits apply to.
/// Flag is the data flag: N normal, F stopped, M maintenance, S set manually, D fault, C calibration,
/// T above the measuring range, B communication fault.
/// </summary>
public sealed record PollutantReading(
    string Code, double? Value, double? ConvertedValue, double? Min, double? Max, double? Cou, string Flag);

/// <summary>
/// An online monitor uploaded one period's data (one HJ 212 frame). Appended to the monitor's stream.
/// ReportId is MN:QN:CN (plus :PNO for a split packet), so the same frame twice appends nothing.
/// MeasuredAt is the frame's DataTime: the start of the period (Beijing time).
/// </summary>
public sealed record MonitoringDataReported(
    string ReportId, string MonitorId, string SiteId, string EnterpriseId, string RegionId,
    DataPeriod Period, string SystemCode, IReadOnlyList<PollutantReading> Readings,
    DateTimeOffset MeasuredAt, DateTimeOffset ReceivedAt);

/// <summary>
/// Running state of a monitor's equipment (HJ 212 CN 2021, "xxx-RS"): 0 stopped, 1 running, 2 calibrating,
/// 3 maintenance, 4 alarm, 5 back-flushing. Appended to the monitor's stream.
/// </summary>
public sealed record EquipmentStatusReported(
    string ReportId, string MonitorId, string SiteId, string EnterpriseId, string RegionId,
    IReadOnlyList<EquipmentStatus> Statuses,
    DateTimeOffset MeasuredAt, DateTimeOffset ReceivedAt);

public sealed record EquipmentStatus(string Code, int Status);

/// <summary>
/// A reported value was above the site's permitted limit for that pollutant. Derived from
/// MonitoringDataReported (ReportId) and appended to the enterprise's stream. Value is the converted value
/// when the instrument reports one. For minute and real-time data at most one is recorded per monitor,
/// pollutant and hour (the first one seen stands for the hour); hour and day data each give their own.
/// </summary>
public sealed record EmissionLimitExceeded(
    string ExceedanceId, string MonitorId, string SiteId, string EnterpriseId, string RegionId, string ReportId,
    string PollutantCode, string PollutantName, string Unit, DataPeriod Period,
    double Value, double Limit, string Flag,
    DateTimeOffset MeasuredAt);

/// <summary>
/// A monitor stopped measuring for longer than allowed: silent (NoData, Since = last data received) or
/// reporting flagged data (Since = the first flagged period). Appended to the enterprise's stream.
/// </summary>
public sealed record MonitoringGapDetected(
    string GapId, string MonitorId, string SiteId, string EnterpriseId, string RegionId,
    GapReason Reason, IReadOnlyList<string> PollutantCodes,
    DateTimeOffset Since, DateTimeOffset DetectedAt);

/// <summary>A monitor whose gap was reported measures normally again.</summary>
public sealed record MonitoringResumed(
    string GapId, string MonitorId, string SiteId, string EnterpriseId, string RegionId,
    GapReason Reason, double GapHours,
    DateTimeOffset Since, DateTimeOffset ResumedAt);
