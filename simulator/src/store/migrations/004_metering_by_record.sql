-- Migration 4: one metering row per record — a window of an instance as the vendor pushed it — with
-- its entities (Key, Value, meteringAssit, SerialNo) as a JSON array in `entities`, rather than one row
-- per entity: a push of 100 records writes 100 rows and 100 index entries, not one per entity.
-- Each row a store holds already becomes a record of its one entity, with its id kept, so the order
-- received and every value read back as before.
CREATE TABLE metering_windows (
    id INTEGER PRIMARY KEY, instance_id TEXT NOT NULL, product_code TEXT NOT NULL,
    start_time INTEGER NOT NULL, end_time INTEGER NOT NULL, entities TEXT NOT NULL,
    received_at INTEGER NOT NULL, billable INTEGER NOT NULL);
INSERT INTO metering_windows (id, instance_id, product_code, start_time, end_time, entities, received_at, billable)
    SELECT id, instance_id, product_code, start_time, end_time,
           json_array(json_object('Key', metering_key, 'Value', value, 'meteringAssit', metering_assit,
                                  'SerialNo', serial_no)),
           received_at, billable
    FROM metering_records ORDER BY id;
DROP TABLE metering_records;
ALTER TABLE metering_windows RENAME TO metering_records;
CREATE INDEX metering_records_by_instance ON metering_records (instance_id, received_at);
