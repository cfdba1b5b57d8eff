using System.Net.Http.Json;
using System.Text.Json;

namespace Fusion.Silo.Demo;

/// <summary>
/// The demo's enforcement stories, played over HTTP like a commissioner and the prefecture would: one
/// rectification case run to verification (its finding's weight leaves the score), one proposed listing
/// decided (the enterprise goes black and onto the public list), one project screened and refused. Cases
/// whose deadlines passed during the backfill go overdue and escalate by themselves on the platform's clock.
/// </summary>
public static class DemoEnforcement
{
    public static async Task RunAsync(HttpClient http, Uri baseUrl, IReadOnlyList<double[]> reserve, Action<string> log, CancellationToken ct)
    {
        string? verified = null, listed = null, screened = null, overdue = null, incident = null;
        while (!ct.IsCancellationRequested && (verified is null || listed is null || screened is null || overdue is null))
        {
            try
            {
                overdue ??= await ReportOverdueAsync(http, baseUrl, log, ct);
                verified ??= await VerifyOneCaseAsync(http, baseUrl, log, ct);
                if (listed is null && overdue is not null) incident ??= await RecordMajorIncidentAsync(http, baseUrl, overdue, log, ct);
                listed ??= await ListOneProposalAsync(http, baseUrl, log, ct);
                if (listed is not null) screened ??= await ScreenRefusedAsync(http, baseUrl, listed, reserve, log, ct);
            }
            catch (HttpRequestException e)
            {
                log($"enforcement story: {e.Message}; trying again");
            }
            await Task.Delay(TimeSpan.FromSeconds(15), ct);
        }
    }

    static async Task<string?> ReportOverdueAsync(HttpClient http, Uri baseUrl, Action<string> log, CancellationToken ct)
    {
        var overdue = await http.GetFromJsonAsync<JsonElement>(new Uri(baseUrl, "api/cases?overdue=true&limit=1"), ct);
        if (overdue.GetArrayLength() == 0) return null;
        var id = overdue[0].GetProperty("id").GetString()!;
        log($"enforcement story: case {id} went overdue and was escalated to {string.Join(", ", overdue[0].GetProperty("escalatedTo").EnumerateArray())}: {new Uri(baseUrl, $"api/cases/{id}")}");
        return id;
    }

    static async Task<string?> VerifyOneCaseAsync(HttpClient http, Uri baseUrl, Action<string> log, CancellationToken ct)
    {
        // A resumed demo already has its verified case.
        var done = await http.GetFromJsonAsync<JsonElement>(new Uri(baseUrl, "api/cases?status=Verified&limit=1"), ct);
        if (done.GetArrayLength() > 0) return done[0].GetProperty("id").GetString();
        var open = await http.GetFromJsonAsync<JsonElement>(new Uri(baseUrl, "api/cases?status=AwaitingPlan&overdue=false&limit=50"), ct);
        var candidate = open.EnumerateArray().FirstOrDefault(c => c.GetProperty("dueAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(1));
        if (candidate.ValueKind != JsonValueKind.Object) return null;
        var id = candidate.GetProperty("id").GetString()!;
        var enterprise = candidate.GetProperty("enterpriseId").GetString()!;
        var url = $"api/cases/{id}";
        await Post(http, baseUrl, $"{url}/plan", new { plan = "Seal the seepage, reline the pond, add a monitoring well" }, ct);
        await Post(http, baseUrl, $"{url}/plan/accept", new { note = "Plan accepted" }, ct);
        await Post(http, baseUrl, $"{url}/completion", new { report = "Works done; photos attached" }, ct);
        var before = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        await Post(http, baseUrl, $"{url}/verify", new { note = "Checked on site", asOf = before }, ct);
        var asOf = Uri.EscapeDataString(before.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz"));
        log($"enforcement story: case {id} verified on site — its finding no longer weighs in {new Uri(baseUrl, $"api/enterprises/{enterprise}/risk")}, " +
            $"while the answer as of the verification's view still has it: {new Uri(baseUrl, $"api/enterprises/{enterprise}/risk?asOf={asOf}")} " +
            $"(history, each step with the view it was decided on: {new Uri(baseUrl, url)}; the case then: {new Uri(baseUrl, $"{url}?asOf={asOf}")})");
        return id;
    }

    /// <summary>
    /// The backfill rarely holds a blacklisting's evidence by itself, so the story adds some: inspectors at the
    /// enterprise of the overdue case find a major incident (a critical finding). Its id is fixed, so a resumed demo adds nothing.
    /// </summary>
    static async Task<string?> RecordMajorIncidentAsync(HttpClient http, Uri baseUrl, string overdueCaseId, Action<string> log, CancellationToken ct)
    {
        var overdueCase = (await http.GetFromJsonAsync<JsonElement>(new Uri(baseUrl, $"api/cases/{overdueCaseId}"), ct)).GetProperty("case");
        var now = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        var response = await http.PostAsJsonAsync(new Uri(baseUrl, "api/ingest/inspection-findings"), new[]
        {
            new
            {
                findingId = "DEMO-MAJOR-INCIDENT-1", enterpriseId = overdueCase.GetProperty("enterpriseId").GetString(), siteId = overdueCase.GetProperty("siteId").GetString(),
                violation = "尾矿库渗漏污染下游河道（重大环境事件）", severity = "critical", rectifyBy = DateOnly.FromDateTime(now.DateTime).AddDays(7).ToString("yyyy-MM-dd"),
                recordedBy = "Haixi inspection team", recordedAt = now,
            },
        }, ct);
        if (!response.IsSuccessStatusCode) return null;
        log($"enforcement story: inspectors record a major incident at {overdueCase.GetProperty("enterpriseId").GetString()} (finding DEMO-MAJOR-INCIDENT-1)");
        return "DEMO-MAJOR-INCIDENT-1";
    }

    static async Task<string?> ListOneProposalAsync(HttpClient http, Uri baseUrl, Action<string> log, CancellationToken ct)
    {
        var listed = await http.GetFromJsonAsync<JsonElement>(new Uri(baseUrl, "api/blacklist"), ct);
        if (listed.GetArrayLength() > 0) return listed[0].GetProperty("creditCode").GetString();
        var proposals = await http.GetFromJsonAsync<JsonElement>(new Uri(baseUrl, "api/blacklist/proposals"), ct);
        var proposal = proposals.EnumerateArray()
            .OrderByDescending(p => p.GetProperty("criteria").EnumerateArray().Any(c => c.GetProperty("reason").GetString() == "MajorIncident"))
            .FirstOrDefault();
        if (proposal.ValueKind != JsonValueKind.Object) return null;
        var enterprise = proposal.GetProperty("id").GetString()!;
        await Post(http, baseUrl, $"api/blacklist/{enterprise}/decide", new { decision = "list", decisionRef = "HX-ENV-2026-08" }, ct);
        log($"enforcement story: {proposal.GetProperty("enterpriseName").GetString()} blacklisted for two years — public list {new Uri(baseUrl, "api/blacklist")}, " +
            $"its risk at black {new Uri(baseUrl, $"api/enterprises/{enterprise}/risk")}, full record {new Uri(baseUrl, $"api/blacklist/{enterprise}")}");
        return enterprise;
    }

    static async Task<string?> ScreenRefusedAsync(HttpClient http, Uri baseUrl, string investor, IReadOnlyList<double[]> reserve, Action<string> log, CancellationToken ct)
    {
        var inside = new[] { reserve.Average(p => p[0]), reserve.Average(p => p[1]) };
        var response = await Post(http, baseUrl, "api/admission/screen", new
        {
            projectId = "DEMO-ZINC-SMELTER", name = "Zinc smelter, phase 2", investorCreditCode = investor, relatedCreditCodes = Array.Empty<string>(),
            industry = "nonferrous-smelting", point = inside, expectedEmissions = new Dictionary<string, double> { ["SO2"] = 420 },
        }, ct);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        log($"enforcement story: project DEMO-ZINC-SMELTER screened: {answer.GetProperty("decision").GetString()} — " +
            string.Join(" ", answer.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("detail").GetString())) +
            $" ({new Uri(baseUrl, "api/admission/DEMO-ZINC-SMELTER")})");
        return "DEMO-ZINC-SMELTER";
    }

    static async Task<HttpResponseMessage> Post(HttpClient http, Uri baseUrl, string path, object body, CancellationToken ct)
    {
        var response = await http.PostAsJsonAsync(new Uri(baseUrl, path), body, ct);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        return response;
    }
}
