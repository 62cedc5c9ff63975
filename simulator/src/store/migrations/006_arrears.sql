-- Migration 6: buyers in arrears (欠费) since when (epoch ms). While a buyer is here, their
-- pay-as-you-go instances stay expired; leaving it renews them.
CREATE TABLE arrears (ali_uid TEXT PRIMARY KEY, since INTEGER NOT NULL);
