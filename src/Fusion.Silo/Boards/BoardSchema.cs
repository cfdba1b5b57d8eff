using Npgsql;

namespace Fusion.Silo.Boards;

/// <summary>
/// The `board` schema in PostgreSQL that Grafana's PostgreSQL data source reads: facts folded from the events
/// (tables) and what follows from them (views). Schema in docs/board-schema.md.
/// </summary>
public static class BoardSchema
{
    public const string Name = "board";

    public const string Ddl = """
        CREATE SCHEMA IF NOT EXISTS board;
        CREATE TABLE IF NOT EXISTS board.checkpoint (name text PRIMARY KEY, sequence bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS board.regions (
            region_id text PRIMARY KEY, name_en text NOT NULL, name_zh text NOT NULL, kind text NOT NULL,
            parent_region_id text, longitude double precision NOT NULL, latitude double precision NOT NULL,
            score double precision NOT NULL DEFAULT 0, level text NOT NULL DEFAULT 'Green', assessed_at timestamptz,
            sequence bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS board.enterprises (
            enterprise_id text PRIMARY KEY, name text NOT NULL, industry text NOT NULL, region_id text NOT NULL,
            longitude double precision NOT NULL, latitude double precision NOT NULL,
            score double precision NOT NULL DEFAULT 0, level text NOT NULL DEFAULT 'Green', assessed_at timestamptz,
            top_signal_kind text, top_signal text, sequence bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS board.risk_history (
            sequence bigint PRIMARY KEY, subject text NOT NULL, subject_id text NOT NULL, region_id text NOT NULL,
            score double precision NOT NULL, level text NOT NULL, model_version text NOT NULL, assessed_at timestamptz NOT NULL);
        CREATE INDEX IF NOT EXISTS risk_history_subject ON board.risk_history (subject_id, assessed_at);
        CREATE TABLE IF NOT EXISTS board.signals_hourly (
            hour timestamptz NOT NULL, feed text NOT NULL, kind text NOT NULL, region_id text NOT NULL, signals bigint NOT NULL,
            PRIMARY KEY (hour, feed, kind, region_id));
        CREATE TABLE IF NOT EXISTS board.devices (
            device_id text PRIMARY KEY, device_kind text NOT NULL, site_id text NOT NULL, enterprise_id text NOT NULL,
            region_id text NOT NULL, online boolean NOT NULL DEFAULT true, changed_at timestamptz NOT NULL, sequence bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS board.public_reports (
            report_id text PRIMARY KEY, channel text NOT NULL, region_id text NOT NULL, enterprise_id text,
            received_at timestamptz NOT NULL);
        CREATE TABLE IF NOT EXISTS board.inspection_findings (
            finding_id text PRIMARY KEY, enterprise_id text NOT NULL, region_id text NOT NULL, site_id text,
            violation text NOT NULL, severity text NOT NULL, rectify_by date NOT NULL, recorded_at timestamptz NOT NULL);
        CREATE TABLE IF NOT EXISTS board.rectifications (
            case_id text PRIMARY KEY, finding_id text NOT NULL, enterprise_id text NOT NULL, region_id text NOT NULL,
            violation text NOT NULL, severity text NOT NULL, deadline date NOT NULL, commissioner_ids text[] NOT NULL,
            opened_at timestamptz NOT NULL, overdue_at timestamptz, verified_at timestamptz);
        CREATE TABLE IF NOT EXISTS board.leaders (
            leader_id text PRIMARY KEY, name text NOT NULL, title text NOT NULL, area_id text NOT NULL);
        CREATE TABLE IF NOT EXISTS board.commissioners (
            commissioner_id text PRIMARY KEY, name text NOT NULL, region_id text NOT NULL);
        CREATE TABLE IF NOT EXISTS board.fund_compliance (
            enterprise_id text NOT NULL, name text, region_id text, period text NOT NULL,
            obligation_yuan numeric(18,2) NOT NULL, deposited_yuan numeric(18,2) NOT NULL, shortfall_yuan numeric(18,2) NOT NULL,
            deposits bigint NOT NULL, last_deposit_at timestamptz, compliant boolean NOT NULL, refreshed_at timestamptz NOT NULL,
            PRIMARY KEY (enterprise_id, period));
        CREATE TABLE IF NOT EXISTS board.warnings (
            warning_id text PRIMARY KEY, rule_id text NOT NULL, rule_kind text NOT NULL, subject text NOT NULL, subject_id text NOT NULL,
            enterprise_id text, region_id text NOT NULL, severity text NOT NULL, message text NOT NULL, count int NOT NULL DEFAULT 1,
            stage int NOT NULL DEFAULT 0, reminders int NOT NULL DEFAULT 0, raised_at timestamptz NOT NULL, acknowledged_at timestamptz,
            escalated_at timestamptz, resolved_at timestamptz, resolved_by_rule boolean, updated_at timestamptz NOT NULL);
        CREATE INDEX IF NOT EXISTS warnings_open ON board.warnings (region_id) WHERE resolved_at IS NULL;
        CREATE TABLE IF NOT EXISTS board.warning_recipients (
            warning_id text NOT NULL, recipient_id text NOT NULL, role text NOT NULL, name text NOT NULL, stage int NOT NULL,
            PRIMARY KEY (warning_id, recipient_id));

        -- A county-level area and its industrial parks: the dashboards' region filter ('all' for the prefecture).
        CREATE OR REPLACE FUNCTION board.in_area(region text, area text) RETURNS boolean LANGUAGE sql STABLE AS $$
            SELECT area IS NULL OR area IN ('', 'all', '$__all') OR region = area
                OR EXISTS (SELECT 1 FROM board.regions r WHERE r.region_id = region AND r.parent_region_id = area) $$;

        CREATE OR REPLACE VIEW board.region_risk AS
            SELECT r.region_id, r.name_zh, r.name_en, r.kind, r.parent_region_id, r.longitude, r.latitude, r.score, r.level,
                   (SELECT count(*) FROM board.enterprises e WHERE board.in_area(e.region_id, r.region_id)) AS enterprises,
                   r.assessed_at AS updated
            FROM board.regions r;

        CREATE OR REPLACE VIEW board.enterprise_risk AS
            SELECT e.enterprise_id, e.name, e.industry, e.region_id, r.name_zh AS region_name_zh, r.name_en AS region_name_en,
                   e.longitude, e.latitude, e.score, e.level, e.top_signal_kind, e.top_signal, e.assessed_at AS updated
            FROM board.enterprises e LEFT JOIN board.regions r USING (region_id);

        CREATE OR REPLACE VIEW board.device_availability AS
            SELECT region_id, device_kind, count(*) AS devices, count(*) FILTER (WHERE online) AS online,
                   round(100.0 * count(*) FILTER (WHERE online) / count(*), 1) AS availability_pct
            FROM board.devices GROUP BY region_id, device_kind;

        -- Open rectification cases (not yet verified) per responsible person: the leaders of the case's area (its
        -- region, the region's county, or the enterprise itself) and the commissioners the case names.
        DROP VIEW IF EXISTS board.responsibilities;
        DROP VIEW IF EXISTS board.rectifications_by_responsible;
        CREATE VIEW board.rectifications_by_responsible AS
            WITH open_cases AS (
                SELECT c.*, coalesce(r.parent_region_id, c.region_id) AS county_id FROM board.rectifications c
                LEFT JOIN board.regions r USING (region_id) WHERE c.verified_at IS NULL)
            SELECT 'leader' AS role, l.leader_id AS person_id, l.name, l.title, c.region_id, c.case_id, c.enterprise_id,
                   c.severity, c.deadline, c.overdue_at IS NOT NULL AS overdue
            FROM open_cases c JOIN board.leaders l ON l.area_id IN (c.region_id, c.county_id, c.enterprise_id)
            UNION ALL
            SELECT 'commissioner', m.commissioner_id, m.name, '督察专员 commissioner', c.region_id, c.case_id, c.enterprise_id,
                   c.severity, c.deadline, c.overdue_at IS NOT NULL
            FROM open_cases c JOIN board.commissioners m ON m.commissioner_id = ANY (c.commissioner_ids);

        DROP VIEW IF EXISTS board.open_warnings;
        CREATE VIEW board.open_warnings AS
            SELECT w.warning_id, w.rule_id, w.rule_kind, w.subject, w.subject_id, w.enterprise_id, e.name AS enterprise_name, w.region_id,
                   w.severity, array_position(ARRAY['Low','Medium','High','Critical'], w.severity) AS severity_rank, w.message, w.count,
                   w.stage, w.acknowledged_at IS NOT NULL AS acknowledged, w.raised_at, w.escalated_at, w.updated_at
            FROM board.warnings w LEFT JOIN board.enterprises e USING (enterprise_id) WHERE w.resolved_at IS NULL;

        -- Open warnings per person they have reached on the chain of responsibility (area leader, then the region's
        -- commissioners, then the prefecture; the ones reached earlier keep answering for it), beside open
        -- rectification cases per responsible leader and commissioner.
        DROP VIEW IF EXISTS board.responsibilities;
        CREATE VIEW board.responsibilities AS
            SELECT CASE p.role WHEN 'Commissioner' THEN 'commissioner' ELSE 'leader' END AS role, p.recipient_id AS person_id, p.name,
                   coalesce(l.title, CASE p.role WHEN 'Commissioner' THEN '督察专员 commissioner' ELSE '' END) AS title,
                   'warning' AS item, w.warning_id AS item_id, w.region_id, w.enterprise_id, w.severity, p.stage,
                   w.stage > 0 AS escalated, false AS overdue
            FROM board.warnings w JOIN board.warning_recipients p USING (warning_id) LEFT JOIN board.leaders l ON l.leader_id = p.recipient_id
            WHERE w.resolved_at IS NULL
            UNION ALL
            SELECT role, person_id, name, title, 'rectification', case_id, region_id, enterprise_id, severity, NULL, false, overdue
            FROM board.rectifications_by_responsible;
        """;

    public static async Task EnsureAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        // Two hosts starting on one database would race on CREATE … IF NOT EXISTS; one at a time.
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('fusion-board-schema'))", conn, tx))
            await cmd.ExecuteNonQueryAsync(ct);
        await using (var cmd = new NpgsqlCommand(Ddl, conn, tx))
            await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    public const string Truncate = """
        TRUNCATE board.checkpoint, board.regions, board.enterprises, board.risk_history, board.signals_hourly, board.devices,
                 board.public_reports, board.inspection_findings, board.rectifications, board.leaders, board.commissioners, board.fund_compliance,
                 board.warnings, board.warning_recipients;
        """;
}
