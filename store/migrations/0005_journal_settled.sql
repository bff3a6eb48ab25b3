-- crmsync schema 5.
--
-- A journal row is deleted once its batch is settled (it used to be kept
-- with state 'done' and never read again: 79 MB after a 100k-contact first
-- sync). The rows older versions kept are dropped here.
DELETE FROM journal WHERE state = 'done';
