-- Workload whose pgoutput stream is captured into pgoutput-v1.txt (see capture.sh).
-- Each block exercises one decoder feature; comments name it.
SET TimeZone = 'UTC';

CREATE TYPE mood AS ENUM ('sad', 'happy');            -- custom type: server sends a Type ('Y') message
CREATE TABLE types_t (
  id int PRIMARY KEY,
  c_int2 smallint, c_int4 int, c_int8 bigint, c_num numeric, c_bool boolean,
  c_text text, c_varchar varchar(20), c_bpchar char(5), c_name name, c_char "char",
  c_ts timestamp, c_tstz timestamptz, c_date date, c_time time, c_timetz timetz,
  c_uuid uuid, c_json json, c_jsonb jsonb, c_bytea bytea,
  c_f4 real, c_f8 double precision, c_oid oid,
  c_int_arr int[], c_text_arr text[], c_int_2d int[], c_num_arr numeric[], c_f8_arr float8[],
  c_tstz_arr timestamptz[], c_bool_arr boolean[], c_jsonb_arr jsonb[], c_bytea_arr bytea[],
  c_interval interval, c_inet inet, c_mood mood
);
CREATE TABLE orders (id int PRIMARY KEY, status text, doc text);
ALTER TABLE orders ALTER doc SET STORAGE EXTERNAL;   -- large doc stays out of line: unchanged TOAST ('u')
CREATE TABLE orders_full (id int PRIMARY KEY, status text, doc text);
ALTER TABLE orders_full ALTER doc SET STORAGE EXTERNAL;
ALTER TABLE orders_full REPLICA IDENTITY FULL;
CREATE TABLE trunc_a (id serial PRIMARY KEY);
CREATE TABLE trunc_b (id int PRIMARY KEY, a_id int REFERENCES trunc_a);
CREATE TABLE compound (tenant text, id bigint, val text, PRIMARY KEY (tenant, id));
CREATE PUBLICATION pub FOR ALL TABLES;
-- binary mode covers the types the decoder converts: leave out interval, inet and the enum (PG15+ column list)
CREATE PUBLICATION pub_binary FOR TABLE types_t (id, c_int2, c_int4, c_int8, c_num, c_bool, c_text, c_varchar,
  c_bpchar, c_name, c_char, c_ts, c_tstz, c_date, c_time, c_timetz, c_uuid, c_json, c_jsonb, c_bytea, c_f4, c_f8,
  c_oid, c_int_arr, c_text_arr, c_int_2d, c_num_arr, c_f8_arr, c_tstz_arr, c_bool_arr, c_jsonb_arr, c_bytea_arr),
  orders, orders_full, compound;
SELECT 'slot' FROM pg_create_logical_replication_slot('cap', 'pgoutput');

-- 1. every common type: typical values, edge values, NULLs
INSERT INTO types_t VALUES
 (1, 42, 123456, 1234567890123, 12345.678900, true,
  'hello', 'varchar', 'ab', 'aname', 'x',
  '2026-11-22 10:00:00.123456', '2026-11-22 10:00:00.123456+00', '2026-11-22', '10:00:00.123456', '10:00:00.5+02',
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"b": 1.50, "a": [1, 2.0, "x"], "n": null}', '{"b": 1.50, "a": [true, 1e2]}', '\x0102ab',
  1.1, 3.141592653589793, 4294967295,
  '{1,2,3}', '{a,"b c","with \"quote\"","back\\slash","{brace}","comma,here",NULL,"NULL",""}', '{{1,2},{3,4}}',
  '{1.10,NaN,-2.5e-3}', '{1.5,NaN,Infinity,-Infinity}',
  '{"2026-11-22 10:00:00+00","2026-11-22 11:00:00.1+00"}', '{t,f,NULL}', ARRAY['{"k": 1.0}'::jsonb, '[1, "two"]'::jsonb], '{"\\x00ff",NULL}',
  '1 day 02:03:04', '192.168.0.1/24', 'happy'),
 (2, -32768, -2147483648, -9223372036854775808, 'NaN', false,
  E'tab\there\nnewline "quoted" \\ backslash ünïcødé 🐘', '', '     ', '', E'\\',
  'infinity', '-infinity', 'infinity', '00:00:00', '23:59:59.999999-05:30',
  '00000000-0000-0000-0000-000000000000', '[]', '{}', '\x',
  'NaN', '-Infinity', 0,
  '{}', '{}', '[0:1]={7,8}', '{}', '{}',
  '{infinity,-infinity}', '{}', '{}', '{}',
  '-1 years', '::1', 'sad'),
 (3, 32767, 2147483647, 9223372036854775807, 'Infinity', NULL,
  NULL, NULL, NULL, NULL, NULL,
  '-infinity', 'infinity', '-infinity', '24:00:00', '00:00:00+00',
  NULL, 'null', '"str"', NULL,
  'Infinity', '-0', NULL,
  '{NULL}', '{"",NULL}', '{{{1},{2}},{{3},{4}}}', '{0.0000001}', '{-0,1e300}',
  NULL, NULL, NULL, NULL,
  NULL, NULL, NULL),
 (4, 0, 0, 0, '-Infinity', true,
  '', 'x', 'abcde', 'n', ' ',
  '2000-01-01 00:00:00', '1999-12-31 23:59:59.1+00', '0044-03-15 BC', '10:00:00.1', '10:00:00+05:45:30',
  NULL, '123.4500', '1e-7', NULL,
  '-0', '1e300', NULL,
  NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL,
  NULL, NULL, NULL),
 (5, 1, 1, 1, '0.0000001', false,
  'x', 'y', 'z', 'w', 'v',
  '0044-03-15 12:00:00 BC', '2026-06-01 12:00:00+05:30', '10000-01-01', '23:59:59.999999', '12:00:00-12',
  NULL, '{"a":1,"a":2}', '{"big": 123456789012345678901234567890, "tiny": 0.000000000001}', NULL,
  '3.4028235e38', '2.2250738585072014e-308', NULL,
  NULL, NULL, NULL, '{1e20}', '{1e-5}',
  NULL, NULL, NULL, NULL,
  NULL, NULL, NULL),
 (6, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL);
-- to_jsonb has no 'timestamptz in a non-UTC zone' case: the walsender prints in its TimeZone,
-- the capture session uses UTC as the replication connection will (options=-c TimeZone=UTC).

-- 2. REPLICA IDENTITY DEFAULT with an out-of-line (TOASTed) column
INSERT INTO orders VALUES (7, 'new', repeat('0123456789', 1000));
UPDATE orders SET status = 'paid' WHERE id = 7;            -- doc unchanged: 'u', no old tuple
UPDATE orders SET id = 8, status = 'moved' WHERE id = 7;   -- key changed: old key 'K'
UPDATE orders SET doc = 'small' WHERE id = 8;              -- toasted value replaced: sent as text
DELETE FROM orders WHERE id = 8;                           -- old key 'K'

-- 3. REPLICA IDENTITY FULL: old tuple 'O' supplies the unchanged TOAST value
INSERT INTO orders_full VALUES (1, 'new', repeat('abcdefghij', 1000));
UPDATE orders_full SET status = 'paid' WHERE id = 1;
UPDATE orders_full SET id = 2 WHERE id = 1;
DELETE FROM orders_full WHERE id = 2;

-- 4. several changes in one transaction, composite key
BEGIN;
INSERT INTO compound VALUES ('t1', 1, 'a'), ('t2', 2, 'b');
UPDATE compound SET val = 'c' WHERE tenant = 't1';
DELETE FROM compound WHERE tenant = 't2';
COMMIT;

-- 5. truncate of two relations with options
INSERT INTO trunc_a DEFAULT VALUES;
INSERT INTO trunc_b VALUES (1, 1);
TRUNCATE trunc_a, trunc_b RESTART IDENTITY CASCADE;
TRUNCATE trunc_b;

-- 6. logical decoding messages, transactional and not
BEGIN;
SELECT 'm1' FROM pg_logical_emit_message(true, 'pgcdc.tx', 'in a transaction');
INSERT INTO compound VALUES ('t3', 3, 'with message');
COMMIT;
SELECT 'm2' FROM pg_logical_emit_message(false, 'pgcdc.nontx', '\x00ff'::bytea);

-- 7. a transaction replayed under a replication origin: Origin ('O') message
SELECT 'o' FROM pg_replication_origin_create('upstream');
SELECT 'o' FROM pg_replication_origin_session_setup('upstream');
BEGIN;
SELECT 'o' FROM pg_replication_origin_xact_setup('0/ABCDEF', '2026-01-01 00:00:00+00');
INSERT INTO compound VALUES ('t4', 4, 'from origin');
COMMIT;
SELECT 'o' FROM pg_replication_origin_session_reset();

-- 8. schema change: a new Relation ('R') message precedes the next change
ALTER TABLE compound ADD COLUMN extra int DEFAULT 5;
INSERT INTO compound VALUES ('t5', 5, 'after alter');
