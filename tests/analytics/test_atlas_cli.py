"""`helhet atlas show` and `report` on a small store: an area or year without data says so, a bad filter
names the option, the value and why."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from typer.testing import CliRunner

from helhet.analytics import store as stores
from helhet.cli.main import app
from helhet.errors import Invalid
from tests.analytics.store_builder import StoreBuilder

runner = CliRunner()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    b = StoreBuilder()
    unit = b.unit()
    for municipality, count in {"4601": 20, "4627": 8, "4640": 12}.items():  # Bergen, Askøy (Bergen area), Sogndal
        for _ in range(count):
            b.referral(unit, municipality=municipality)
    return b.write(tmp_path_factory.mktemp("atlas") / "store")


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["atlas", *args], terminal_width=200)
    return result.exit_code, " ".join(result.output.split())


def test_show_within_an_area(store: Path) -> None:
    code, out = run(
        "show",
        "rights_granted",
        "--store",
        str(store),
        "--as-of",
        "2025-01-01",
        "--level",
        "municipality",
        "--area",
        "bergen",
    )
    assert code == 0, out
    assert "Askøy" in out and "Bergen" in out and "Sogndal" not in out


def test_show_an_area_without_data_says_so(store: Path) -> None:
    code, out = run("show", "rights_granted", "--store", str(store), "--as-of", "2025-01-01", "--area", "fonna")
    assert code == 1
    assert "rights_granted has no data at level area in Fonna (fonna)" in out


def test_show_refuses_an_unknown_or_impossible_area(store: Path) -> None:
    code, out = run("show", "rights_granted", "--store", str(store), "--area", "nowhere")
    assert code == 1 and "--area 'nowhere': no RHF, HF, referral area or municipality has this code" in out
    code, out = run("show", "rights_granted", "--store", str(store), "--area", "4601", "--level", "area")
    assert code == 1 and "--area '4601' is a municipality (Bergen) and holds no area" in out


def test_report_refuses_a_year_without_data(store: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "atlas.html"
    code, out = run("report", "--store", str(store), "--as-of", "2025-01-01", "--year", "2019", "--out", str(out_file))
    assert code == 1
    assert "--year 2019: the store has no data for 2019; years with data: [2024" in out
    assert not out_file.exists()


def test_report_is_in_bokmal_unless_english_is_asked_for(store: Path, tmp_path: Path) -> None:
    for args, lang, heading in (
        ((), "nb", "<h1>Atlas: variasjon i rusbehandling</h1>"),
        (("--lang", "en"), "en", "<h1>Atlas: variation in substance-use treatment</h1>"),
    ):
        out_file = tmp_path / f"atlas-{lang}.html"
        code, out = run("report", "--store", str(store), "--as-of", "2025-01-01", "--out", str(out_file), *args)
        assert code == 0, out
        html = out_file.read_text(encoding="utf-8")
        assert f'<html lang="{lang}">' in html and heading in html


@pytest.mark.parametrize("lang", ["de", "NB", "no"])
def test_report_refuses_an_unknown_language(store: Path, tmp_path: Path, lang: str) -> None:
    out_file = tmp_path / "atlas.html"
    code, out = run("report", "--store", str(store), "--lang", lang, "--out", str(out_file))
    assert code == 1
    assert f"--lang '{lang}': use nb (bokmål) or en (English)" in out
    assert not out_file.exists()


def test_build_refuses_a_database_without_the_tables(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")  # never initialised: it wrote an empty store
    with pytest.raises(Invalid) as err:
        stores.extract(engine, tmp_path / "atlas", "a secret")
    assert err.value.field == "database" and "the table person is missing" in err.value.reason
    assert not (tmp_path / "atlas").exists()


def test_every_missing_table_and_column_is_named_at_once(store: Path, tmp_path: Path) -> None:
    import shutil

    import pyarrow.parquet as pq

    broken = tmp_path / "broken"
    shutil.copytree(store, broken)
    pq.write_table(pq.read_table(broken / "referral.parquet").drop(["wished_level"]), broken / "referral.parquet")
    pq.write_table(pq.read_table(broken / "episode.parquet").drop(["started_on"]), broken / "episode.parquet")
    (broken / "unit.parquet").unlink()
    code, out = run("show", "rights_granted", "--store", str(broken))
    assert code == 1
    assert "the required column 'wished_level' is missing" in out
    assert "the required column 'started_on' is missing" in out
    assert "the table unit.parquet is missing" in out


def test_show_prints_the_figures_of_each_kind_and_norway(store: Path) -> None:
    code, out = run("show", "waiting_days", "--store", str(store), "--as-of", "2025-01-01", "--level", "rhf")
    assert code == 0, out
    assert "median" in out and "p90" in out
    assert re.search(r"Helse Vest │ 40 │ 20.0 │ 20.0 │", out)  # 40 referrals started after 20 days
    assert re.search(r"Norway │ 40 │", out)
    code, out = run("show", "new_referrals", "--store", str(store), "--as-of", "2025-01-01", "--level", "rhf")
    assert code == 0 and "crude rate" in out and "DSR lower" in out, out
