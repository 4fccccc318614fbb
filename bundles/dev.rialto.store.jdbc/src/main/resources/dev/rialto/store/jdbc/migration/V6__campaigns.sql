-- Campaign workflows (dev.rialto.campaigns). Portable SQL: H2 2.x and PostgreSQL.
-- A run snapshots its audience into campaign_members; each member gets exactly one outcome. Deliveries are kept
-- per (run, profile, step) for frequency rules across campaigns. campaign_locks makes overlapping triggers of
-- one campaign exclusive across nodes, with a lease so a crashed node's run can be resumed.

CREATE TABLE campaigns (
    id          VARCHAR(64)      NOT NULL PRIMARY KEY,
    definition  VARCHAR(1000000) NOT NULL,
    origin      VARCHAR(1024)    NOT NULL,
    updated_at  TIMESTAMP        NOT NULL
);

CREATE TABLE campaign_runs (
    id           VARCHAR(64)      NOT NULL PRIMARY KEY,
    campaign_id  VARCHAR(64)      NOT NULL,
    trigger_by   VARCHAR(255)     NOT NULL,
    status       VARCHAR(16)      NOT NULL,
    phase        VARCHAR(16)      NOT NULL,
    definition   VARCHAR(1000000) NOT NULL,
    started_at   TIMESTAMP        NOT NULL,
    finished_at  TIMESTAMP,
    audience     BIGINT           NOT NULL,
    message      VARCHAR(4096)
);

CREATE INDEX campaign_runs_campaign ON campaign_runs (campaign_id, started_at);
CREATE INDEX campaign_runs_status ON campaign_runs (status);

CREATE TABLE campaign_locks (
    campaign_id  VARCHAR(64)  NOT NULL PRIMARY KEY,
    run_id       VARCHAR(64)  NOT NULL,
    owner        VARCHAR(255) NOT NULL,
    lease_until  TIMESTAMP    NOT NULL
);

CREATE TABLE campaign_members (
    run_id      VARCHAR(64)   NOT NULL,
    profile_id  VARCHAR(255)  NOT NULL,
    variant     VARCHAR(32)   NOT NULL,
    status      VARCHAR(16)   NOT NULL,
    reason      VARCHAR(1024),
    attempts    INTEGER       NOT NULL,
    updated_at  TIMESTAMP     NOT NULL,
    PRIMARY KEY (run_id, profile_id)
);

CREATE INDEX campaign_members_status ON campaign_members (run_id, status, profile_id);

CREATE TABLE campaign_deliveries (
    run_id        VARCHAR(64)  NOT NULL,
    profile_id    VARCHAR(255) NOT NULL,
    step          INTEGER      NOT NULL,
    campaign_id   VARCHAR(64)  NOT NULL,
    channel       VARCHAR(64)  NOT NULL,
    delivered_at  TIMESTAMP    NOT NULL,
    PRIMARY KEY (run_id, profile_id, step)
);

CREATE INDEX campaign_deliveries_profile ON campaign_deliveries (profile_id, channel, delivered_at);
