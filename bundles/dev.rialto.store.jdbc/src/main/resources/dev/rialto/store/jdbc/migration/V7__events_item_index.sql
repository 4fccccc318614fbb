-- The events table is the ingestion hot path: every secondary index costs a B-tree insert (and, on H2, a second
-- traversal at commit) per row. No query filters events by item_id (counts by item are a GROUP BY over the whole
-- table), and events_item cost about a third of H2's insert rate (measured, docs/benchmarks.md). Portable SQL:
-- H2 2.x and PostgreSQL.

DROP INDEX IF EXISTS events_item;
