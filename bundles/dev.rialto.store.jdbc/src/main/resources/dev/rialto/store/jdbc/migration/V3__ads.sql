-- Rialto store, version 3: ad placement (dev.rialto.ads). Portable SQL: H2 2.x (any mode) and PostgreSQL.
-- Timestamps are TIMESTAMP WITHOUT TIME ZONE holding UTC. Money is DECIMAL in the campaign's currency.
-- The ads bundle owns these tables; it reads and writes them on the store's DataSource.

CREATE TABLE ad_advertisers (
    id          VARCHAR(128)     NOT NULL PRIMARY KEY,
    name        VARCHAR(1024)    NOT NULL,
    status      VARCHAR(16)      NOT NULL,
    updated_at  TIMESTAMP        NOT NULL
);

CREATE TABLE ad_campaigns (
    id            VARCHAR(128)     NOT NULL PRIMARY KEY,
    advertiser_id VARCHAR(128)     NOT NULL REFERENCES ad_advertisers (id),
    name          VARCHAR(1024)    NOT NULL,
    status        VARCHAR(16)      NOT NULL,
    flight_start  TIMESTAMP        NOT NULL,
    flight_end    TIMESTAMP,
    total_budget  DECIMAL(19, 4),
    daily_budget  DECIMAL(19, 4),
    bid_type      VARCHAR(8)       NOT NULL,
    bid           DECIMAL(19, 6)   NOT NULL,
    tier          VARCHAR(16)      NOT NULL,
    -- the targeting rule as JSON (dev.rialto.api.rules), NULL for everybody
    targeting     VARCHAR(1000000),
    -- frequency caps as JSON: [{"scope":"campaign","max":3,"window":"P1D"}]
    caps          VARCHAR(65536)   NOT NULL,
    -- competitive labels, comma-separated
    labels        VARCHAR(65536)   NOT NULL,
    pacing        VARCHAR(8)       NOT NULL,
    updated_at    TIMESTAMP        NOT NULL
);

CREATE TABLE ad_creatives (
    id          VARCHAR(128)     NOT NULL PRIMARY KEY,
    campaign_id VARCHAR(128)     NOT NULL REFERENCES ad_campaigns (id),
    ad_format   VARCHAR(64)      NOT NULL,
    ad_size     VARCHAR(16),
    headline    VARCHAR(65536)   NOT NULL,
    body        VARCHAR(1000000) NOT NULL,
    image_url   VARCHAR(65536),
    landing_url VARCHAR(65536)   NOT NULL,
    -- linked catalogue items, comma-separated
    item_ids    VARCHAR(1000000) NOT NULL,
    status      VARCHAR(16)      NOT NULL,
    updated_at  TIMESTAMP        NOT NULL
);

CREATE TABLE ad_slots (
    id               VARCHAR(128)     NOT NULL PRIMARY KEY,
    name             VARCHAR(1024)    NOT NULL,
    ad_format        VARCHAR(64)      NOT NULL,
    ad_size          VARCHAR(16),
    reserve_cpm      DECIMAL(19, 6)   NOT NULL,
    page_type        VARCHAR(255),
    max_ads_per_page INTEGER          NOT NULL,
    updated_at       TIMESTAMP        NOT NULL
);

-- The delivery log: one row per impression, click or conversion. Frequency caps are counted from it (sliding
-- windows, per session), so they survive restarts; the CTR estimate is rebuilt from it at start.
CREATE TABLE ad_deliveries (
    id          VARCHAR(255)     NOT NULL PRIMARY KEY,
    kind        VARCHAR(16)      NOT NULL,
    decision_id VARCHAR(64)      NOT NULL,
    campaign_id VARCHAR(128)     NOT NULL,
    creative_id VARCHAR(128)     NOT NULL,
    slot_id     VARCHAR(128)     NOT NULL,
    user_id     VARCHAR(255)     NOT NULL,
    session_id  VARCHAR(255),
    price       DECIMAL(19, 6)   NOT NULL,
    ts          TIMESTAMP        NOT NULL
);

CREATE INDEX ad_deliveries_user_ts ON ad_deliveries (user_id, ts);
CREATE INDEX ad_deliveries_campaign_ts ON ad_deliveries (campaign_id, ts);

-- Spend and counts per campaign and pacing day, updated with every charge: budgets and pacing read it.
CREATE TABLE ad_spend (
    campaign_id VARCHAR(128)     NOT NULL,
    spend_day   DATE             NOT NULL,
    impressions BIGINT           NOT NULL,
    clicks      BIGINT           NOT NULL,
    conversions BIGINT           NOT NULL,
    spend       DECIMAL(19, 6)   NOT NULL,
    PRIMARY KEY (campaign_id, spend_day)
);
