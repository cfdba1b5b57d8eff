using Microsoft.AspNetCore.Authorization;

namespace Fusion.Silo.Security;

/// <summary>The roles a person or machine holds (the token's role claim, an API key's connector role).</summary>
public static class Roles
{
    public const string Analyst = "analyst";
    public const string Leader = "leader";
    public const string Commissioner = "commissioner";
    public const string HotlineOfficer = "hotline-officer";
    public const string Inspector = "inspector";
    public const string Admin = "admin";
    public const string Connector = "connector";

    public static readonly string[] All = [Analyst, Leader, Commissioner, HotlineOfficer, Inspector, Admin, Connector];

    /// <summary>The people who work with the platform (everyone but the machines).</summary>
    public static readonly string[] Staff = [Analyst, Leader, Commissioner, HotlineOfficer, Inspector, Admin];
}

/// <summary>
/// The authorization policies every endpoint names (<c>.RequireAuthorization(Policies.Staff)</c>) unless it is
/// explicitly public (<c>.AllowAnonymous()</c>). Each policy is a set of roles; a request passes when its
/// principal holds any of them. One policy per role, and the few sets the endpoints share.
/// </summary>
public static class Policies
{
    /// <summary>Risk analysis: named queries and read-only SQL over the analytics file.</summary>
    public const string Analyst = Roles.Analyst;
    public const string Leader = Roles.Leader;
    public const string Commissioner = Roles.Commissioner;
    /// <summary>Public-report case work; the only role that reveals or shreds a reporter.</summary>
    public const string HotlineOfficer = Roles.HotlineOfficer;
    public const string Inspector = Roles.Inspector;
    /// <summary>Operating the platform: master data, quarantine, parked events, rebuilds, rule reloads, the audit.</summary>
    public const string Admin = Roles.Admin;
    /// <summary>Machines pushing data in (ingest only).</summary>
    public const string Connector = Roles.Connector;

    /// <summary>Reads for every person at work on the platform: risk, master data, cases, warnings, records.</summary>
    public const string Staff = "staff";
    /// <summary>Decisions of the responsible: acknowledging and resolving warnings, blacklisting, admission screening.</summary>
    public const string Oversight = "oversight";
    /// <summary>The steps of a rectification case: inspectors on site, commissioners and leaders overseeing.</summary>
    public const string CaseWork = "case-work";
    /// <summary>Inspection findings: pushed by a connector or recorded by an inspector.</summary>
    public const string FindingsIntake = "findings-intake";
    /// <summary>Public reports: pushed by a connector (12369 platform, WeChat, SMS gateway) or entered by a hotline officer.</summary>
    public const string ReportsIntake = "reports-intake";
    /// <summary>A public report's verification: the hotline office, or the inspectors who checked it on site.</summary>
    public const string ReportVerification = "report-verification";

    /// <summary>Each policy and the roles it admits.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> RolesOf = new Dictionary<string, string[]>
    {
        [Analyst] = [Roles.Analyst],
        [Leader] = [Roles.Leader],
        [Commissioner] = [Roles.Commissioner],
        [HotlineOfficer] = [Roles.HotlineOfficer],
        [Inspector] = [Roles.Inspector],
        [Admin] = [Roles.Admin],
        [Connector] = [Roles.Connector],
        [Staff] = Roles.Staff,
        [Oversight] = [Roles.Leader, Roles.Commissioner],
        [CaseWork] = [Roles.Inspector, Roles.Commissioner, Roles.Leader],
        [FindingsIntake] = [Roles.Connector, Roles.Inspector],
        [ReportsIntake] = [Roles.Connector, Roles.HotlineOfficer],
        [ReportVerification] = [Roles.HotlineOfficer, Roles.Inspector],
    };

    public static AuthorizationBuilder AddFusionPolicies(this AuthorizationBuilder auth)
    {
        foreach (var (name, roles) in RolesOf)
            auth.AddPolicy(name, p =>
            {
                p.RequireAuthenticatedUser().RequireRole(roles);
                // A connector key admits only its own feeds.
                if (roles.Contains(Roles.Connector)) p.AddRequirements(new FeedRequirement());
            });
        // An endpoint that names no policy is for administrators only; the endpoint test names it as a defect.
        return auth.SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireRole(Roles.Admin).Build());
    }
}
