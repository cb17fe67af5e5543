-- Recurring series: every task belongs to one (its own, if it is not a next occurrence).
alter table tasks add column series_id uuid;
alter table tasks add column occurrence integer;
update tasks set series_id = id, occurrence = 1 where series_id is null;
