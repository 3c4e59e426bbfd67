-- Run once by the postgres image on an empty data directory (docker-compose.yml mounts this file
-- into /docker-entrypoint-initdb.d), as the image's superuser. The same roles and databases that
-- `npm run infra:up` creates natively (scripts/infra/config.ts); deploy:check verifies that the
-- lists here match SERVICES and RUNTIME_ROLES.

-- The schema owner: runs the migrations, and is every service's login except where a runtime
-- role says otherwise. Demo passwords only.
CREATE ROLE bankshop LOGIN CREATEDB PASSWORD 'bankshop';

-- The transaction service's runtime login: its migrations grant it INSERT and SELECT only on the
-- audit trail, so the service cannot rewrite history.
CREATE ROLE bankshop_transaction LOGIN PASSWORD 'bankshop_transaction';

-- One database per service, owned by bankshop ("order" is a keyword, hence the quotes).
CREATE DATABASE "gateway" OWNER bankshop;
CREATE DATABASE "account" OWNER bankshop;
CREATE DATABASE "transaction" OWNER bankshop;
CREATE DATABASE "risk" OWNER bankshop;
CREATE DATABASE "order" OWNER bankshop;
CREATE DATABASE "inventory" OWNER bankshop;
CREATE DATABASE "payment" OWNER bankshop;
