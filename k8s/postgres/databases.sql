-- task-service's and audit-service's own databases (each its own Flyway history, as locally);
-- run once when PostgreSQL's data folder is made (the official image and todo-events/postgres
-- both run /docker-entrypoint-initdb.d/*.sql). The Dapr state store uses POSTGRES_DB (todo).
CREATE DATABASE tasks;
CREATE DATABASE audit;
