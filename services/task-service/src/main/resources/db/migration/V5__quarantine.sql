-- One bad row never stops a batch: an outbox entry that can never be published (unreadable, or
-- breaking the event contract) is set aside as 'failed' with its error, and the relay goes on.
alter table outbox add column status varchar(16) default 'pending' not null;
alter table outbox add column failed_at timestamp(6) with time zone;
-- A reminder that could not be built is given up for that remind_at (a new remind_at tries again).
alter table tasks add column reminder_failed_for timestamp(6) with time zone;
alter table tasks add column reminder_error varchar(1000);
-- GET /tasks pages through a user's tasks in (created_at, id) order.
create index tasks_user_created_idx on tasks (user_id, created_at, id);
