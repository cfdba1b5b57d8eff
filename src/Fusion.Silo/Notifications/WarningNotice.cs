using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Fusion.Domain.Common;
using Fusion.Domain.Warnings;

namespace Fusion.Silo.Notifications;

/// <summary>
/// What is said about one warning transition, on every channel: the Standard Webhooks JSON body, the e-mail
/// (Chinese and English, plain text and HTML) and the Alertmanager alert. Pure: the same transition gives the
/// same bytes, so a retry sends exactly what the first attempt sent.
/// </summary>
public sealed record WarningNotice(
    string WarningId, string Transition, WarningView Warning, object Event, IReadOnlyList<WarningRecipient> Recipients, string Link, DateTimeOffset At)
{
    static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    /// <summary>The notice for a warning event, or null for events that are not a lifecycle transition (a repeat only adds evidence).</summary>
    /// <param name="warning">The warning's view (its rule, subject and message never change after raising).</param>
    public static WarningNotice? For(object warningEvent, WarningView warning, string publicUrl)
    {
        var link = $"{publicUrl.TrimEnd('/')}/api/warnings/{Uri.EscapeDataString(warning.Id)}";
        return warningEvent switch
        {
            WarningRaised e => new(e.WarningId, "raised", warning, e, e.Recipients, link, e.RaisedAt),
            WarningEscalated e => new(e.WarningId, "escalated", warning, e, e.Recipients, link, e.EscalatedAt),
            WarningReminderSent e => new(e.WarningId, "reminded", warning, e, e.Recipients, link, e.RemindedAt),
            WarningAcknowledged e => new(e.WarningId, "acknowledged", warning, e, warning.Recipients, link, e.AcknowledgedAt),
            WarningResolved e => new(e.WarningId, "resolved", warning, e, warning.Recipients, link, e.ResolvedAt),
            _ => null,
        };
    }

    public string Type => $"warning.{Transition}";

    /// <summary>The webhook body: {type, timestamp, data: {the warning's facts, the transition's event, the link}}.</summary>
    public string WebhookBody(JsonSerializerOptions json) => JsonSerializer.Serialize(new
    {
        type = Type,
        timestamp = At,
        data = new
        {
            warningId = WarningId,
            transition = Transition,
            ruleId = Warning.RuleId,
            severity = Warning.Severity,
            subject = Warning.Subject,
            subjectId = Warning.SubjectId,
            enterpriseId = Warning.EnterpriseId,
            regionId = Warning.RegionId,
            message = Warning.Message,
            raisedAt = Warning.RaisedAt,
            recipients = Recipients,
            @event = Event,
            link = Link,
        },
    }, json);

    static string TransitionZh(string transition) => transition switch
    {
        "raised" => "新预警",
        "escalated" => "预警升级",
        "reminded" => "预警提醒",
        "acknowledged" => "预警已确认",
        "resolved" => "预警已解除",
        _ => transition,
    };

    static string SeverityZh(Severity s) => s switch
    {
        Severity.Low => "低",
        Severity.Medium => "中",
        Severity.High => "高",
        Severity.Critical => "严重",
        _ => s.ToString(),
    };

    static string Local(DateTimeOffset t) => t.ToOffset(Beijing).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " (北京时间)";

    public string EmailSubject => $"【{TransitionZh(Transition)}·{SeverityZh(Warning.Severity)}】{Warning.Message}";

    /// <summary>The lines both bodies show: label, value.</summary>
    IEnumerable<(string Label, string Value)> Facts()
    {
        yield return ("预警 Warning", WarningId);
        yield return ("状态 Transition", $"{TransitionZh(Transition)} ({Transition})");
        yield return ("规则 Rule", Warning.RuleId);
        yield return ("级别 Severity", $"{SeverityZh(Warning.Severity)} ({Warning.Severity.ToString().ToLowerInvariant()})");
        if (Warning.EnterpriseId is { } enterprise) yield return ("企业 Enterprise", enterprise);
        yield return ("区域 Region", Warning.RegionId);
        yield return ("对象 Subject", $"{Warning.Subject.ToString().ToLowerInvariant()} {Warning.SubjectId}");
        yield return ("时间 At", Local(At));
        switch (Event)
        {
            case WarningEscalated e:
                yield return ("升级 Escalation", $"第{e.Stage}级 stage {e.Stage}: {e.Reason}");
                break;
            case WarningReminderSent e:
                yield return ("提醒 Reminder", $"第{e.Number}次 reminder {e.Number}");
                break;
            case WarningAcknowledged e:
                yield return ("确认人 Acknowledged by", e.AcknowledgedBy + (e.Note is { Length: > 0 } n ? $" — {n}" : ""));
                break;
            case WarningResolved e:
                yield return ("解除 Resolved by", (e.ByRule ? $"规则自动解除 rule {e.ResolvedBy}" : e.ResolvedBy) + (e.Note is { Length: > 0 } rn ? $" — {rn}" : ""));
                break;
        }
        if (Recipients.Count > 0)
            yield return ("责任人 Responsible", string.Join("、", Recipients.Select(r => r.Name)));
    }

    IEnumerable<string> EvidenceLines() => Warning.Evidence.TakeLast(20).Select(e => $"{Local(e.OccurredAt)} {e.Summary}");

    public string EmailText
    {
        get
        {
            var text = new StringBuilder();
            text.AppendLine(Warning.Message).AppendLine();
            foreach (var (label, value) in Facts()) text.Append(label).Append("：").AppendLine(value);
            text.AppendLine().AppendLine("证据 Evidence：");
            foreach (var line in EvidenceLines()) text.Append(" - ").AppendLine(line);
            text.AppendLine().Append("详情 Details：").AppendLine(Link);
            return text.ToString();
        }
    }

    public string EmailHtml
    {
        get
        {
            static string H(string s) => WebUtility.HtmlEncode(s);
            var html = new StringBuilder("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"></head><body>");
            html.Append("<h2>").Append(H(Warning.Message)).Append("</h2><table>");
            foreach (var (label, value) in Facts()) html.Append("<tr><th align=\"left\">").Append(H(label)).Append("</th><td>").Append(H(value)).Append("</td></tr>");
            html.Append("</table><h3>证据 Evidence</h3><ul>");
            foreach (var line in EvidenceLines()) html.Append("<li>").Append(H(line)).Append("</li>");
            html.Append("</ul><p><a href=\"").Append(H(Link)).Append("\">详情 Details</a></p></body></html>");
            return html.ToString();
        }
    }

    /// <summary>One Alertmanager alert (POST /api/v2/alerts takes a list): firing until HoldFor from now, or ended when resolved.</summary>
    public string AlertBody(TimeSpan holdFor)
    {
        var labels = new Dictionary<string, string>
        {
            ["alertname"] = "FusionWarning",
            ["rule"] = Warning.RuleId,
            ["severity"] = Warning.Severity.ToString().ToLowerInvariant(),
            ["region"] = Warning.RegionId,
            ["warning_id"] = WarningId,
        };
        if (Warning.EnterpriseId is { Length: > 0 } enterprise) labels["enterprise"] = enterprise;
        return JsonSerializer.Serialize(new[]
        {
            new
            {
                labels,
                annotations = new Dictionary<string, string> { ["summary"] = Warning.Message, ["transition"] = Transition, ["link"] = Link },
                startsAt = Warning.RaisedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                endsAt = (Transition == "resolved" ? At : At + holdFor).UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                generatorURL = Link,
            },
        });
    }
}
