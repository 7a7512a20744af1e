-- The post-call summary the model fills after every answered call (interest level 1-5,
-- objections, questions, next step, language): callwright_domain::summary::CallSummary.
ALTER TABLE calls ADD COLUMN summary jsonb;
