-- K3 counts one per patent per deal (issue 16): the number of distinct patents is kept on the deal
-- (its patents are fixed when it is recorded), so the yearly figures over 100,000 deals need not
-- count deal_patents deal by deal.
ALTER TABLE deals ADD COLUMN patent_count BIGINT NOT NULL DEFAULT 0;
UPDATE deals SET patent_count =
    (SELECT COUNT(DISTINCT n.number) FROM deal_patents n WHERE n.deal_id = deals.id);
