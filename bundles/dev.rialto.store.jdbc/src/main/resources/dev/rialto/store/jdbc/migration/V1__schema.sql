-- Rialto store, version 1. Portable SQL: runs unchanged on H2 2.x (any mode) and PostgreSQL.
-- Timestamps are TIMESTAMP WITHOUT TIME ZONE holding UTC.

CREATE TABLE items (
    id          VARCHAR(255)     NOT NULL PRIMARY KEY,
    title       VARCHAR(65536)   NOT NULL,
    description VARCHAR(1000000) NOT NULL,
    category    VARCHAR(65536)   NOT NULL,
    price       DECIMAL(19, 4),
    currency    VARCHAR(3),
    available   BOOLEAN          NOT NULL,
    language    VARCHAR(35)      NOT NULL,
    attributes  VARCHAR(1000000) NOT NULL,
    updated_at  TIMESTAMP        NOT NULL
);

CREATE TABLE profiles (
    id          VARCHAR(255)     NOT NULL PRIMARY KEY,
    attributes  VARCHAR(1000000) NOT NULL,
    created_at  TIMESTAMP        NOT NULL,
    updated_at  TIMESTAMP        NOT NULL
);

CREATE TABLE events (
    id          VARCHAR(255)     NOT NULL PRIMARY KEY,
    type        VARCHAR(32)      NOT NULL,
    user_id     VARCHAR(255)     NOT NULL,
    item_id     VARCHAR(255),
    quantity    INTEGER          NOT NULL,
    ts          TIMESTAMP        NOT NULL,
    query       VARCHAR(65536)
);

CREATE INDEX events_user_ts ON events (user_id, ts);
CREATE INDEX events_item ON events (item_id);
CREATE INDEX events_ts ON events (ts);
