"""The GraphQL engine's plug-ins that `build_schema` installs: the plan executor (`execution`), the
per-app document cache (`document_cache`), the query caps (`limits`) and the cost report
(`cost_report`)."""
