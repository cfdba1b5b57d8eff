using Fusion.Domain.Risk;
using Npgsql;

namespace Fusion.Silo.Boards;

/// <summary>The board rows as SQL: upserts keyed by the source's ids, so applying a row twice changes nothing (the hourly counts rely on the checkpoint instead).</summary>
public static class BoardSink
{
    public static IEnumerable<NpgsqlBatchCommand> Commands(IReadOnlyList<BoardRow> rows)
    {
        foreach (var row in rows.Where(r => r is not SignalRow))
            yield return Command(row);
        // Signals are counted per page first: one upsert per hour, feed, kind and region.
        foreach (var g in rows.OfType<SignalRow>().GroupBy(s => (s.Hour, s.Feed, s.Kind, s.RegionId)))
            yield return Cmd("""
                INSERT INTO board.signals_hourly (hour, feed, kind, region_id, signals) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (hour, feed, kind, region_id) DO UPDATE SET signals = board.signals_hourly.signals + EXCLUDED.signals
                """, g.Key.Hour, g.Key.Feed, g.Key.Kind, g.Key.RegionId, (long)g.Count());
    }

    static NpgsqlBatchCommand Command(BoardRow row) => row switch
    {
        RegionRow r => Cmd("""
            INSERT INTO board.regions (region_id, name_en, name_zh, kind, parent_region_id, longitude, latitude, sequence)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (region_id) DO UPDATE SET name_en = EXCLUDED.name_en, name_zh = EXCLUDED.name_zh, kind = EXCLUDED.kind,
                parent_region_id = EXCLUDED.parent_region_id, longitude = EXCLUDED.longitude, latitude = EXCLUDED.latitude
            """, r.RegionId, r.NameEn, r.NameZh, r.Kind, (object?)r.ParentRegionId ?? DBNull.Value, r.Longitude, r.Latitude, r.Sequence),
        EnterpriseRow e => Cmd("""
            INSERT INTO board.enterprises (enterprise_id, name, industry, region_id, longitude, latitude, sequence)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (enterprise_id) DO UPDATE SET name = EXCLUDED.name, industry = EXCLUDED.industry, region_id = EXCLUDED.region_id,
                longitude = EXCLUDED.longitude, latitude = EXCLUDED.latitude
            """, e.EnterpriseId, e.Name, e.Industry, e.RegionId, e.Longitude, e.Latitude, e.Sequence),
        AssessmentRow { Subject: RiskSubject.Enterprise } a => Cmd("""
            WITH h AS (INSERT INTO board.risk_history (sequence, subject, subject_id, region_id, score, level, model_version, assessed_at)
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (sequence) DO NOTHING)
            UPDATE board.enterprises SET score = $5, level = $6, assessed_at = $8, top_signal_kind = $9, top_signal = $10
            WHERE enterprise_id = $3 AND (assessed_at IS NULL OR assessed_at <= $8)
            """, a.Sequence, a.Subject.ToString(), a.SubjectId, a.RegionId, a.Score, a.Level, a.ModelVersion, a.AssessedAt,
            (object?)a.MainSignalKind ?? DBNull.Value, (object?)a.MainSignal ?? DBNull.Value),
        AssessmentRow a => Cmd("""
            WITH h AS (INSERT INTO board.risk_history (sequence, subject, subject_id, region_id, score, level, model_version, assessed_at)
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (sequence) DO NOTHING)
            UPDATE board.regions SET score = $5, level = $6, assessed_at = $8
            WHERE region_id = $3 AND (assessed_at IS NULL OR assessed_at <= $8)
            """, a.Sequence, a.Subject.ToString(), a.SubjectId, a.RegionId, a.Score, a.Level, a.ModelVersion, a.AssessedAt),
        DeviceRow d => Cmd("""
            INSERT INTO board.devices (device_id, device_kind, site_id, enterprise_id, region_id, changed_at, sequence)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (device_id) DO UPDATE SET device_kind = EXCLUDED.device_kind, site_id = EXCLUDED.site_id,
                enterprise_id = EXCLUDED.enterprise_id, region_id = EXCLUDED.region_id
            """, d.DeviceId, d.DeviceKind, d.SiteId, d.EnterpriseId, d.RegionId, d.RegisteredAt, d.Sequence),
        DeviceStateRow s => Cmd("UPDATE board.devices SET online = $2, changed_at = $3, sequence = $4 WHERE device_id = $1 AND sequence < $4",
            s.DeviceId, s.Online, s.ChangedAt, s.Sequence),
        PublicReportRow p => Cmd("""
            INSERT INTO board.public_reports (report_id, channel, region_id, enterprise_id, received_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (report_id) DO NOTHING
            """, p.ReportId, p.Channel, p.RegionId, (object?)p.EnterpriseId ?? DBNull.Value, p.ReceivedAt),
        FindingRow f => Cmd("""
            INSERT INTO board.inspection_findings (finding_id, enterprise_id, region_id, site_id, violation, severity, rectify_by, recorded_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (finding_id) DO NOTHING
            """, f.FindingId, f.EnterpriseId, f.RegionId, (object?)f.SiteId ?? DBNull.Value, f.Violation, f.Severity, f.RectifyBy, f.RecordedAt),
        CaseRow c => Cmd("""
            INSERT INTO board.rectifications (case_id, finding_id, enterprise_id, region_id, violation, severity, deadline, commissioner_ids, opened_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (case_id) DO NOTHING
            """, c.CaseId, c.FindingId, c.EnterpriseId, c.RegionId, c.Violation, c.Severity, c.Deadline, c.CommissionerIds.ToArray(), c.OpenedAt),
        CaseDeadlineRow d => Cmd("UPDATE board.rectifications SET deadline = $2, overdue_at = NULL WHERE case_id = $1", d.CaseId, d.Deadline),
        CaseOverdueRow o => Cmd("UPDATE board.rectifications SET overdue_at = $2 WHERE case_id = $1", o.CaseId, o.DetectedAt),
        CaseVerifiedRow v => Cmd("UPDATE board.rectifications SET verified_at = $2 WHERE case_id = $1", v.CaseId, v.VerifiedAt),
        LeaderRow l => Cmd("""
            INSERT INTO board.leaders (leader_id, name, title, area_id) VALUES ($1, $2, $3, $4)
            ON CONFLICT (leader_id) DO UPDATE SET name = EXCLUDED.name, title = EXCLUDED.title, area_id = EXCLUDED.area_id
            """, l.LeaderId, l.Name, l.Title, l.AreaId),
        CommissionerRow c => Cmd("""
            INSERT INTO board.commissioners (commissioner_id, name, region_id) VALUES ($1, $2, $3)
            ON CONFLICT (commissioner_id) DO UPDATE SET name = EXCLUDED.name, region_id = EXCLUDED.region_id
            """, c.CommissionerId, c.Name, c.RegionId),
        AssignmentEndedRow { Commissioner: true } e => Cmd("DELETE FROM board.commissioners WHERE commissioner_id = $1", e.PersonId),
        AssignmentEndedRow e => Cmd("DELETE FROM board.leaders WHERE leader_id = $1", e.PersonId),
        WarningRow w => Cmd("""
            INSERT INTO board.warnings (warning_id, rule_id, rule_kind, subject, subject_id, enterprise_id, region_id, severity, message, raised_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) ON CONFLICT (warning_id) DO NOTHING
            """, w.WarningId, w.RuleId, w.RuleKind, w.Subject, w.SubjectId, (object?)w.EnterpriseId ?? DBNull.Value, w.RegionId, w.Severity, w.Message, w.RaisedAt),
        WarningRecipientRow r => Cmd("""
            INSERT INTO board.warning_recipients (warning_id, recipient_id, role, name, stage) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (warning_id, recipient_id) DO NOTHING
            """, r.WarningId, r.RecipientId, r.Role, r.Name, r.Stage),
        WarningRepeatedRow w => Cmd("UPDATE board.warnings SET count = greatest(count, $2), updated_at = greatest(updated_at, $3) WHERE warning_id = $1",
            w.WarningId, w.Count, w.At),
        WarningAcknowledgedRow w => Cmd("UPDATE board.warnings SET acknowledged_at = coalesce(acknowledged_at, $2), updated_at = greatest(updated_at, $2) WHERE warning_id = $1",
            w.WarningId, w.At),
        WarningEscalatedRow w => Cmd("UPDATE board.warnings SET stage = greatest(stage, $2), escalated_at = $3, updated_at = greatest(updated_at, $3) WHERE warning_id = $1",
            w.WarningId, w.Stage, w.At),
        WarningRemindedRow w => Cmd("UPDATE board.warnings SET reminders = greatest(reminders, $2), updated_at = greatest(updated_at, $3) WHERE warning_id = $1",
            w.WarningId, w.Number, w.At),
        WarningResolvedRow w => Cmd("UPDATE board.warnings SET resolved_at = coalesce(resolved_at, $2), resolved_by_rule = $3, updated_at = greatest(updated_at, $2) WHERE warning_id = $1",
            w.WarningId, w.At, w.ByRule),
        _ => throw new InvalidOperationException($"No board table for {row.GetType().Name}"),
    };

    static NpgsqlBatchCommand Cmd(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        // timestamptz takes UTC only; events keep the offset they were reported with.
        foreach (var v in values) command.Parameters.Add(new NpgsqlParameter { Value = v is DateTimeOffset t ? t.ToUniversalTime() : v });
        return command;
    }
}
