"""Generated pathways are valid by construction, shaped like the ORM tables, readable by the atlas, and repeatable."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from helhet.analytics import queries
from helhet.synthetic import columns, generate_to_parquet, generator
from helhet.synthetic.generator import Summary
from tests.synthetic import rules
from tests.synthetic.conftest import AS_OF, read


def test_generated_pathways_break_none_of_the_services_rules(default_run: tuple[Summary, Path]) -> None:
    _, folder = default_run
    violations = rules.check(read(folder), AS_OF)
    assert {name: rows[:3] for name, rows in violations.items() if rows} == {}


def test_the_rules_catch_a_broken_row(default_run: tuple[Summary, Path]) -> None:
    _, folder = default_run
    tables = read(folder)
    assessment = tables["assessment"]
    differs = pc.and_(pc.is_valid(assessment["wish_difference_reason"]), pc.is_valid(assessment["assigned_level"]))
    broken = assessment.set_column(
        assessment.schema.get_field_index("wish_difference_note"),
        "wish_difference_note",
        pc.if_else(differs, None, assessment["wish_difference_note"]),
    )
    tables["assessment"] = broken
    assert rules.check(tables, AS_OF)["wish_difference_has_reason_and_note"]


def test_every_table_has_exactly_the_model_columns_and_types(default_run: tuple[Summary, Path]) -> None:
    _, folder = default_run
    for name in generator.TABLE_ORDER:
        assert pq.read_schema(folder / f"{name}.parquet").remove_metadata() == columns.schema(name)


def test_the_atlas_reads_the_folder_on_its_own(default_run: tuple[Summary, Path]) -> None:
    summary, folder = default_run
    con = queries.connect(folder)
    n, areas = con.execute("SELECT count(*), count(DISTINCT area_code) FROM referral_facts").fetchone()  # type: ignore[misc]
    assert n == summary.referrals
    assert areas == 21


def test_the_ground_truth_names_what_was_planted_and_what_could_not_be(default_run: tuple[Summary, Path]) -> None:
    summary, folder = default_run
    truth = json.loads((folder / "ground_truth.json").read_text())
    assert summary.ground_truth == folder / "ground_truth.json"
    planted = {(p["effect"], p["code"]): p for p in truth["planted"]}
    stavanger = planted[("inpatient_odds_ratio", "stavanger")]
    assert stavanger["value"] == 1.8 and stavanger["planted"] and stavanger["name"] == "Stavanger"
    assert planted[("never_books_interpreters", "tsb-helse-bergen-hf-poli")]["unit_id"] is not None
    assert planted[("vedtak_delivery_share", "1804")]["planted"]
    assert planted[("handover_acceptance_delay_days", "tsb-helse-stavanger-hf-dogn")]["planted"]
    assert truth["seed"] == 11 and truth["as_of"] == AS_OF.isoformat()
    assert truth["realised"]["referrals"] == summary.referrals
    assert truth["rows"]["person"] == 4_000


def test_the_same_seed_gives_identical_files(tmp_path: Path) -> None:
    first = generate_to_parquet(tmp_path / "a", persons=800, seed=5, as_of=AS_OF)
    second = generate_to_parquet(tmp_path / "b", persons=800, seed=5, as_of=AS_OF)
    assert first.rows == second.rows
    for name in generator.TABLE_ORDER:
        assert (tmp_path / "a" / f"{name}.parquet").read_bytes() == (tmp_path / "b" / f"{name}.parquet").read_bytes()
    other = generate_to_parquet(tmp_path / "c", persons=800, seed=6, as_of=AS_OF)
    assert read(tmp_path / "c")["person"] != read(tmp_path / "a")["person"]
    assert other.persons == 800


def test_how_the_writer_cuts_its_files_does_not_change_the_data(tmp_path: Path) -> None:
    generate_to_parquet(tmp_path / "a", persons=600, seed=8, as_of=AS_OF)
    generate_to_parquet(tmp_path / "b", persons=600, seed=8, as_of=AS_OF, row_group_rows=97)
    assert pq.ParquetFile(tmp_path / "b" / "referral.parquet").num_row_groups > 1
    a, b = read(tmp_path / "a"), read(tmp_path / "b")
    assert all(a[name].equals(b[name]) for name in a)


def test_several_chunks_keep_ids_and_numbers_unique_and_rows_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator, "CHUNK_PERSONS", 250)
    generate_to_parquet(tmp_path, persons=1_000, seed=9, region="HMN", as_of=AS_OF)
    tables = read(tmp_path)
    for name in generator.TABLE_ORDER:
        ids = tables[name]["id"]
        assert pc.count_distinct(ids).as_py() == len(ids)
    assert {name: rows[:3] for name, rows in rules.check(tables, AS_OF).items() if rows} == {}
    areas = queries.connect(tmp_path).execute("SELECT DISTINCT rhf_code FROM referral_facts").fetchall()
    assert areas == [("HMN",)]
