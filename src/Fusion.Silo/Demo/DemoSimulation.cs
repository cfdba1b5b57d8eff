using Fusion.Connectors.Simulation;
using Fusion.Silo.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Fusion.Silo.Demo;

/// <summary>
/// The demo's traffic: once the host listens, says where to look, then plays 30 days of simulated
/// Haixi feeds and goes on live, all through the real ingest endpoints over HTTP.
/// </summary>
public sealed class DemoSimulation(IServer server, IHostApplicationLifetime lifetime, IConfiguration config, LocalTokens tokens, ILogger<DemoSimulation> log,
    Ingest.InboxOptions inbox, DemoReceivers.Where? receivers = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:5080";
        var baseUrl = new Uri(address.Replace("0.0.0.0", "127.0.0.1").Replace("[::]", "127.0.0.1").Replace("+", "127.0.0.1").Replace("*", "127.0.0.1"));
        Console.WriteLine(Banner(baseUrl, config.GetValue("Fusion:Hj212:Port", 9212)) + Environment.NewLine + NotificationsBanner(receivers) + BoardsBanner(config));

        var seedFile = config["Fusion:SeedFile"]!;
        var masterData = HaixiSeed.Deserialize(await File.ReadAllTextAsync(seedFile, stoppingToken));
        if (inbox.Enabled)
            foreach (var file in DemoInbox.Drop(Ingest.Inbox.RootOf(inbox, config), masterData, DateTimeOffset.UtcNow))
                log.LogInformation("inbox story: dropped {File} into the inbox; it moves to done/ or rejected/ with its answer beside it", file);
        // The live pace (Fusion:Demo:LiveRates) is configuration: new signals on the boards within a minute, day or night.
        var liveRates = config.GetSection("Fusion:Demo:LiveRates").Get<SimulationRates>();
        var options = new SimulatorRunnerOptions { LiveRates = liveRates };
        // Authenticated like real clients: the feeds as a connector machine, the enforcement stories as an
        // officer holding the inspector's, commissioner's and leader's roles.
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = tokens.Bearer("haixi-simulator", [Roles.Connector], TimeSpan.FromDays(366));
        using var officer = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        officer.DefaultRequestHeaders.Authorization = tokens.Bearer("王强 (demo officer)", [Roles.Inspector, Roles.Commissioner, Roles.Leader], TimeSpan.FromDays(366));
        // The prefecture's administrator (master data) and Golmud's mayor (his own visits), for the responsibility story.
        using var admin = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        admin.DefaultRequestHeaders.Authorization = tokens.Bearer("海西州生态环境局 (demo admin)", [Roles.Admin], TimeSpan.FromDays(366));
        using var mayor = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        mayor.DefaultRequestHeaders.Authorization = new("Bearer", tokens.Issue("扎西东智", [Roles.Leader], TimeSpan.FromDays(366),
            more: [new System.Security.Claims.Claim("person", "L-GOLMUD-HEAD")]));
        var runner = new SimulatorRunner(http, baseUrl, TimeProvider.System, line => log.LogInformation("{Line}", line), options);
        var reserve = masterData.ProtectedZones!.First(z => z.NameZh.Contains("梭梭")).Polygon;
        await Task.WhenAll(
            runner.RunAsync(masterData, stoppingToken),
            DemoEnforcement.RunAsync(officer, baseUrl, reserve, line => log.LogInformation("{Line}", line), stoppingToken),
            DemoResponsibility.RunAsync(admin, mayor, baseUrl, line => log.LogInformation("{Line}", line), stoppingToken),
            DemoMasterData.RunAsync(admin, baseUrl, masterData, line => log.LogInformation("{Line}", line), stoppingToken),
            DemoAdvisory.RunAsync(admin, officer, baseUrl, line => log.LogInformation("{Line}", line), stoppingToken),
            DemoAccountability.RunAsync(tokens, baseUrl, masterData, line => log.LogInformation("{Line}", line), stoppingToken));
    }

    /// <summary>Where the warning notifications arrive: the demo's own webhook receiver and SMTP server on loopback.</summary>
    static string NotificationsBanner(DemoReceivers.Where? where) => where is null ? "" : $"""
         Warning notifications    webhooks (Standard Webhooks, verified) to {where.WebhookUrl}, saved in {where.WebhookFolder}
                                  e-mails via SMTP 127.0.0.1:{where.SmtpPort}, saved as .eml in {where.MailFolder}
                                  each warning's deliveries: /api/warnings/<id>/deliveries
                                  the outfall's repeated-discharge warning escalates to the commissioner
                                  3 minutes after it is raised unless acknowledged (POST …/acknowledge)

        """;

    /// <summary>Where the situation boards are: Prometheus (started by ./fusion demo when installed) and how to point a Grafana at dashboards/.</summary>
    static string BoardsBanner(IConfiguration config)
    {
        var dashboards = config["Fusion:Demo:Dashboards"] ?? "dashboards";
        var prometheus = config["Fusion:Demo:PrometheusUrl"];
        var pg = new Npgsql.NpgsqlConnectionStringBuilder(config.GetConnectionString("Fusion") ?? "");
        return $"""
             Situation boards (Grafana; tables in PostgreSQL schema "board")
             Prometheus               {prometheus ?? "not started: apt-get install prometheus, then ./fusion demo again"}
             Point a Grafana (10 or newer) at the boards:
               GF_PATHS_PROVISIONING={dashboards}/provisioning \
               FUSION_DASHBOARDS={dashboards} \
               FUSION_PROMETHEUS_URL={prometheus ?? "http://<your prometheus>:9090"} \
               FUSION_BOARD_PG_HOST={pg.Host}:{pg.Port} FUSION_BOARD_PG_DB={pg.Database} \
               FUSION_BOARD_PG_USER={pg.Username} FUSION_BOARD_PG_PASSWORD={(string.IsNullOrEmpty(pg.Password) ? "''" : "<its password>")} \
               grafana server
             Boards: 海西州生态环境态势 Haixi environmental situation, 风险分析 Risk analysis,
             平台运行 Platform health (folder "海西州环境 Fusion").
            ──────────────────────────────────────────────────────────────────────────────

            """;
    }

    static string Banner(Uri baseUrl, int hj212Port) => $"""

        ──────────────────────────────────────────────────────────────────────────────
         Fusion Platform demo — Haixi Prefecture, simulated feeds
         API reference (Scalar)   {baseUrl}scalar  (paste a token under Authentication; a connector key, X-Api-Key, on the ingest routes)
         A token (JWT)            ./fusion token --role analyst --name 李敏   (roles: {string.Join(", ", Roles.All)})
                                  curl -H "Authorization: Bearer $(./fusion token --role analyst --name 李敏)" {baseUrl}api/regions
         A commissioner's areas   ./fusion token --role commissioner --name 郭晓东 --person COMM-01  (Golmud's
                                  warnings and cases only; others 403); the audit, refusals and ingest
                                  batches included: {baseUrl}api/audit (admin)
         OpenAPI document         {baseUrl}openapi/v1.json
         Regions with live risk   {baseUrl}api/regions
         Enterprises of Golmud    {baseUrl}api/enterprises?region=GOLMUD
                                  lists come in pages: &limit=20&offset=20 (X-Total-Count, Link: next)
         A region's explanation   {baseUrl}api/regions/GOLMUD/risk
         Quarantine               {baseUrl}api/quarantine
         Warnings (open)          {baseUrl}api/warnings?status=open
         Warning rules in force   {baseUrl}api/warnings/rules
         Public reports           POST {baseUrl}api/ingest/public-reports as JSON, text/csv (12369 export)
                                  or message/rfc822; reporters sealed, each report answered with a receipt:
                                  {baseUrl}api/public-reports/status/<receipt>
         Inbox folders            drop a file into .fusion/inbox/<feed>/ (.json, .geojson, .csv, .eml): it is
                                  ingested and moved to done/, or to rejected/ naming each rejected record;
                                  the answer beside it (<name>.answer.json). The demo drops a 12369 export
                                  and an inspection sheet there (inbox/public-reports, inbox/inspection-findings)
         Parked events            {baseUrl}api/parked (what a consumer could not apply, to retry)
         Analytics queries        {baseUrl}api/analytics/queries
         e.g. top enterprises     {baseUrl}api/analytics/queries/top-enterprises?format=csv
         HJ 212 over TCP          port {hj212Port} (Fusion:Hj212:Port); GB/T 28181 alarms: POST {baseUrl}api/ingest/gb28181
         Health                   {baseUrl}health
         Prometheus metrics       {baseUrl}metrics
         Risk model calibration   ./fusion calibrate (report in .fusion/calibration/)
         Two silos, one cluster   ./fusion cluster (Redis membership; /health says which runs the subscriptions)
         Backup and restore       ./fusion backup, ./fusion restore FILE --database NAME (pg_dump / pg_restore)
         Rectification cases      {baseUrl}api/cases?overdue=true  (one per finding; overdue ones escalate)
         As it was known then     add ?asOf=<time> to an enterprise's risk, a warning or a case: the answer
                                  given then (the verified case's story prints one that differs from today's)
         Blacklist (public)       {baseUrl}api/blacklist  (proposals: {baseUrl}api/blacklist/proposals)
         Admission screening      POST {baseUrl}api/admission/screen  (e.g. {baseUrl}api/admission/DEMO-ZINC-SMELTER)
         Credit grades by region  {baseUrl}api/analytics/queries/credit-grades-by-region
         Leaders (分片包干)        {baseUrl}api/leaders — Golmud's mayor, moved to Da Qaidam today:
                                  {baseUrl}api/leaders/L-GOLMUD-HEAD (assignments with dates, visits),
                                  his duty report (述职) {baseUrl}api/leaders/L-GOLMUD-HEAD/duty-report
                                  who answered for an enterprise then: /api/enterprises/<id>/responsible?at=<time>
         Experts and stewards     {baseUrl}api/experts, {baseUrl}api/stewards; a steward's park visit whose
                                  problem opened a case: {baseUrl}api/service-visits/DEMO-STEWARD-VISIT-1
         Whistleblower rewards    {baseUrl}api/rewards  (verify: POST …/api/public-reports/<id>/verify; the
                                  receipt's status shows verification, reward and payment, never the reporter)
         Emergency reserve        {baseUrl}api/reserves  (the prefecture's 100 million yuan and each county's)
         Deputies' suggestions    {baseUrl}api/suggestions?status=assigned  (overdue ones warn: rule
                                  suggestion-response-overdue)
         Public disclosure        no token: {baseUrl}api/public/enterprises (risk level, credit grade),
                                  {baseUrl}api/public/cases, {baseUrl}api/public/reports-by-channel,
                                  {baseUrl}api/blacklist; online posts (网络大V, 舆情员) arrive as public reports
         The simulator first plays the last 30 days (a minute or two), then goes live;
         350 online monitors send HJ 212 over TCP and 1,017 cameras GB/T 28181 keepalives.
         Stories to find: an outfall whose camera keeps alarming, a drone finding of
         dumping inside the Haloxylon reserve joined the next day by a satellite's
         (corroboration highest), a burst of 12369 reports about one site, an enterprise
         that stopped paying into its fund ({baseUrl}api/enterprises/<id>/fund);
         and, logged as "enforcement story": a case verified (its finding's weight gone),
         cases gone overdue and escalated, one blacklisting, one screening refused;
         and, as "responsibility story", Golmud's mayor reassigned with his duty report;
         as "experts and stewards story", a steward's visit whose problem opened a case.
         logged as "accountability story": a whistleblower's reward approved and paid,
         a reserve disbursement to an incident (and an overdraft refused), a deputy's
         suggestion past its deadline raising a warning, an influencer's post taken in.
         Ctrl-C stops the platform; ./fusion demo again resumes where it left off.
        """;
}
