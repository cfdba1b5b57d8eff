namespace Fusion.Domain;

/// <summary>Stream keys. Enterprise streams are keyed by the credit code itself.</summary>
public static class Streams
{
    public static string Enterprise(string enterpriseId) => enterpriseId;
    public static string Region(string regionId) => $"region:{regionId}";
    public static string PublicReport(string reportId) => $"public-report:{reportId}";
    public static string InspectionFinding(string findingId) => $"inspection:{findingId}";
    public static string ProtectedZone(string zoneId) => $"zone:{zoneId}";
    public static string Leader(string leaderId) => $"leader:{leaderId}";
    public static string Commissioner(string commissionerId) => $"commissioner:{commissionerId}";
    public static string Camera(string cameraId) => $"camera:{cameraId}";
    public static string Monitor(string monitorId) => $"monitor:{monitorId}";
    public static string Risk(string subjectId) => $"risk:{subjectId}";
    public static string Warning(string warningId) => $"warning:{warningId}";
    public static string Case(string caseId) => $"case:{caseId}";
    public static string Blacklist(string enterpriseId) => $"blacklist:{enterpriseId}";
    public static string Admission(string projectId) => $"admission:{projectId}";
    public static string Credit(string enterpriseId) => $"credit:{enterpriseId}";
    public static string Expert(string expertId) => $"expert:{expertId}";
    public static string Steward(string stewardId) => $"steward:{stewardId}";
    public static string ServiceVisit(string visitId) => $"service-visit:{visitId}";
    public static string Reward(string rewardId) => $"reward:{rewardId}";
    public static string Reserve(string accountId) => $"reserve:{accountId}";
    public static string Suggestion(string suggestionId) => $"suggestion:{suggestionId}";
}
