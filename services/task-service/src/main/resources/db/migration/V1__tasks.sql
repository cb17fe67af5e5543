-- task-service schema, version 1. Portable between H2 (local runs) and PostgreSQL.
create table tasks (
    id           uuid                        not null primary key,
    user_id      varchar(128)                not null,
    title        varchar(200)                not null,
    description  varchar(4000),
    status       varchar(16)                 not null,
    priority     varchar(8)                  not null,
    due_at       timestamp(6) with time zone,
    remind_at    timestamp(6) with time zone,
    recurrence   varchar(16)                 not null,
    created_at   timestamp(6) with time zone not null,
    updated_at   timestamp(6) with time zone not null,
    completed_at timestamp(6) with time zone,
    version      bigint                      not null
);
create index tasks_user_idx on tasks (user_id);
