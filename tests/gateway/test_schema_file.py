"""`schema.graphql` is a contract for generated clients: it must be exactly what the code serves."""

from pathlib import Path

from gateway.schema import export_sdl

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_schema_file_matches_the_code() -> None:
    committed = SCHEMA_FILE.read_text() if SCHEMA_FILE.exists() else ""
    assert committed == export_sdl(), (
        "schema.graphql is out of date: run `make schema` (gateway export-schema > schema.graphql) and commit it"
    )
