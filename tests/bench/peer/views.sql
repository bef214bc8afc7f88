-- The peer of tests/bench/peer.sh: the same results in plain tables, ranked at read time by
-- window functions in views that PostGraphile 4 serves (schema `peer`; the tables are in
-- `peer_data`, out of PostGraphile's sight). This is the design egov-rank is measured against:
-- nothing precomputed, every query ranks the rows it needs (or, when its filter is not the
-- window's partition, every row).
CREATE SCHEMA peer_data;
CREATE SCHEMA peer;

CREATE TABLE peer_data.agency (
  id integer PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  tier text NOT NULL,
  -- egov-rank's key for Vietnamese alphabetical order, compared byte by byte.
  sort_key text COLLATE "C" NOT NULL
);

-- One result per agency and year. The rate is the one egov-rank ranks by (achieved points
-- over required, in percent), exact: numeric, as egov-rank stores it in text.
CREATE TABLE peer_data.result (
  agency_id integer NOT NULL REFERENCES peer_data.agency,
  year integer NOT NULL,
  tier text NOT NULL,
  rate_percent numeric NOT NULL,
  converted_score numeric,
  level_code text,
  PRIMARY KEY (agency_id, year)
);
CREATE INDEX result_year_tier ON peer_data.result (year, tier);

-- Competition ranks of every tier's results of every year (equal rates share a rank, the next
-- rank skips): the same rule as egov-rank's, whose one jurisdiction here ranks all its
-- agencies of a tier together.
CREATE VIEW peer.ranking AS
SELECT r.year, r.tier, a.code AS agency_code, a.name AS agency_name, a.sort_key,
       r.rate_percent, r.converted_score, r.level_code,
       (rank() OVER (PARTITION BY r.year, r.tier ORDER BY r.rate_percent DESC))::integer AS rank
FROM peer_data.result r
JOIN peer_data.agency a ON a.id = r.agency_id;

-- Year-on-year movements: a year's ranking joined to the previous year's, per agency (null
-- previous rank for an agency new that year). rank_change > 0 is a move up, as egov-rank's
-- compareYears counts it.
CREATE VIEW peer.movement AS
SELECT cur.year, cur.tier, cur.agency_code, cur.agency_name, cur.sort_key,
       cur.rank, prev.rank AS previous_rank, prev.rank - cur.rank AS rank_change,
       cur.rate_percent - prev.rate_percent AS rate_change
FROM peer.ranking cur
LEFT JOIN peer.ranking prev
  ON prev.agency_code = cur.agency_code AND prev.tier = cur.tier AND prev.year = cur.year - 1;
