-- Migration 6: buyers in arrears (欠费) since when (epoch ms). Entering it expires their open
-- pay-as-you-go instances, and they buy no new ones while here; leaving it renews those expired.
CREATE TABLE arrears (ali_uid TEXT PRIMARY KEY, since INTEGER NOT NULL);
