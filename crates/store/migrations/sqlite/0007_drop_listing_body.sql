-- `body_json` kept each listing's input as given; nothing read it (the checked columns and the audit
-- log hold what matters).
ALTER TABLE listings DROP COLUMN body_json;
