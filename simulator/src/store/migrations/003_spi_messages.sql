-- Migration 3: every SPI action goes out through one queue. A message is one notification to a
-- vendor (its action and parameters, token excluded); its attempts are the journal's rows
-- (`deliveries`), now tied to their message, with the next attempt planned and the fault injected.
-- `queue_order` orders an instance's messages (its id, unless a fault swapped two); only the first
-- pending message of an instance has a `deliver` job, so an instance's messages go out in order.
CREATE TABLE spi_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, action TEXT NOT NULL,
    params TEXT NOT NULL, request_id TEXT, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER, queue_order INTEGER NOT NULL, created_at INTEGER NOT NULL, finished_at INTEGER);
CREATE INDEX spi_messages_by_instance ON spi_messages (instance_id, state, queue_order);
CREATE INDEX spi_messages_by_state ON spi_messages (state, id);
ALTER TABLE deliveries ADD COLUMN message_id INTEGER;
ALTER TABLE deliveries ADD COLUMN next_at INTEGER;
ALTER TABLE deliveries ADD COLUMN fault TEXT;
CREATE INDEX deliveries_by_message ON deliveries (message_id, id);

-- An older build's pending createInstance job becomes a message with the job's id (so the two are
-- tied by that id alone), its parameters those the older build sent, and its job a `deliver` job.
INSERT INTO spi_messages (id, instance_id, action, params, state, attempts, next_at, queue_order, created_at)
SELECT j.id, i.instance_id, 'createInstance',
       json_array(json_array('action', 'createInstance'), json_array('aliUid', i.ali_uid),
                  json_array('orderBizId', i.instance_id), json_array('orderId', i.order_id),
                  json_array('productCode', i.product_code), json_array('skuId', i.sku_id),
                  json_array('trial', 'false')),
       'pending', j.attempt - 1, j.due_at, j.id, i.created_at
FROM jobs j JOIN instances i ON i.instance_id = j.subject
WHERE j.kind = 'create_instance';
UPDATE jobs SET kind = 'deliver', subject = CAST(id AS TEXT) WHERE kind = 'create_instance';
