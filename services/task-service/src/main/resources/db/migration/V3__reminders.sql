-- The remind_at value a reminder was last sent for: a new remind_at fires again, the same never.
alter table tasks add column reminded_for timestamp(6) with time zone;
create index tasks_remind_idx on tasks (remind_at);
