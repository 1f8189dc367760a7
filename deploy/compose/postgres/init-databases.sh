#!/usr/bin/env bash
# Creates one login role and one database per Bansō service and the console (none shares one).
# The postgres image runs this once, on the first start with an empty data volume; later
# password changes need `ALTER ROLE banso_<service> PASSWORD '…'`.
set -euo pipefail

for service in ingest scoring bridge notify console; do
  password_var="${service^^}_DB_PASSWORD"
  password="${!password_var:?${password_var} is not set}"
  # psql variables (:"name" and :'literal') quote the identifiers and the password for us.
  psql --no-psqlrc --set=ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    --set=role="banso_${service}" --set=password="${password}" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"role" OWNER :"role";
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
SQL
done
