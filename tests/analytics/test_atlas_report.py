"""The offline report: SVG maps (a page gives at most about 16 WebGL contexts, and the report has four maps per
indicator), every level's map and ranked table, suppressed rows without figures at every level, no network
reference outside Plotly's own bundle; bokmål by default with the pages' words and figures, English on request."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from helhet.analytics import formats, queries
from helhet.analytics.atlas import build_atlas
from helhet.analytics.privacy import protect
from helhet.analytics.report import render_html
from tests.analytics.store_builder import StoreBuilder

AS_OF = date(2025, 1, 1)
CODES = ["rights_granted", "wish_concordance", "waiting_days"]


def atlas_of(tmp_path: Path):  # type: ignore[no-untyped-def]
    b = StoreBuilder()
    unit = b.unit()
    for i in range(20):
        b.referral(unit, municipality="4601", assigned="outpatient" if i % 3 else "inpatient_short")
    for _ in range(12):
        b.referral(unit, municipality="4640")
    return build_atlas(queries.connect(b.write(tmp_path / "store")), AS_OF, CODES)


def test_each_indicator_has_an_svg_map_and_no_webgl_map(tmp_path: Path) -> None:
    html = render_html(atlas_of(tmp_path), lang="en")
    body = html[html.index("<body>") :]  # Plotly's bundle in the head names every trace type
    assert "choroplethmap" not in body.lower()
    maps = re.findall(r'<svg viewBox="0 0 \d+ \d+" role="img" aria-label="([^"]+)"', body)
    assert len(maps) == 4 * len(CODES)  # RHF, HF, referral area and municipality; a unit has no map
    assert "Share granted the right to necessary care, referral areas, 2024" in maps
    # Bergen's share is drawn in a palette colour, its title gives the value, and areas without data are grey
    bergen = r'<g fill="#[0-9a-f]{6}" stroke="#[0-9a-f]{6}" stroke-width="0.5"><title>Bergen: 100 %</title>'
    assert re.search(bergen, body)
    grey = '<g fill="#d9d9d9" stroke="#d9d9d9" stroke-width="0.5"><title>Finnmark: –</title>'
    assert grey in body
    # the outlines are in the page once; every map draws them by reference (Oslo's 0301 in each of the 12 maps)
    assert body.count('<path id="m0301" d="M') == 1 and body.count('<use href="#m0301"/>') == 12
    assert len(html) < 6_000_000  # Plotly's script (about 4.6 MB) and small SVG maps, not 1.4 MB of GeoJSON a map


def test_the_body_references_nothing_on_the_network(tmp_path: Path) -> None:
    html = render_html(atlas_of(tmp_path))
    body = html[html.index("</script>", html.index("<script>")) :]
    assert re.findall(r"(?:src|href)=\"(?!#)([^\"]+)\"", body) == []
    assert "http://" not in body.replace("http://www.w3.org", "") and "https://" not in body


def test_the_trend_chart_has_a_table_and_a_summary(tmp_path: Path) -> None:
    b = StoreBuilder()
    unit = b.unit()
    for year, granted in ((2023, 12), (2024, 15)):  # of 20 assessed referrals each year in Bergen
        for i in range(20):
            b.referral(unit, received=date(year, 3, 4), outcome="granted" if i < granted else "rejected")
    atlas = build_atlas(queries.connect(b.write(tmp_path / "store")), AS_OF, ["rights_granted"])
    html = render_html(atlas, lang="en")
    assert "by region and year (table alternative to the trend chart)" in html
    assert re.search(r'<th scope="row">Helse Vest</th><td class="num">60 %</td><td class="num">75 %</td>', html)
    assert "Norway: 60 % in 2023 and 75 % in 2024." in html
    nb = render_html(atlas)
    assert re.search(r'<th scope="row">Helse Vest</th><td class="num">60 %</td><td class="num">75 %</td>', nb)
    assert "etter region og år (tabellalternativ til utviklingsdiagrammet)" in nb
    assert "Norge: 60 % i 2023 og 75 % i 2024." in nb
    trend = figures(nb)[-1]  # the trend chart, after the areas' funnel plot and ranked chart
    assert trend["layout"]["xaxis"]["title"]["text"] == "År" and trend["layout"]["separators"] == ", "
    assert trend["layout"]["title"]["text"] == "Andel med rett til nødvendig helsehjelp: utvikling over år"


LEVEL_TITLES = {
    "rhf": "regional health authorities",
    "hf": "health trusts",
    "area": "referral areas",
    "municipality": "municipalities",
    "unit": "treating units",
}


def figures(html: str) -> list[dict[str, Any]]:
    """The Plotly figures of the report's body in page order: each div's ``Plotly.newPlot`` data and layout."""
    decoder, found = json.JSONDecoder(), []
    body = html[html.index("<body>") :]
    for call in re.finditer(r'Plotly\.newPlot\(\s*"[^"]+",\s*', body):
        data, end = decoder.raw_decode(body, call.end())
        layout, _ = decoder.raw_decode(body, end + len(re.match(r",\s*", body[end:]).group(0)))  # type: ignore[union-attr]
        found.append({"data": data, "layout": layout})
    return found


def level_block(html: str, code: str, level: str) -> str:
    start = html.index(f'<details class="level" id="{code}-{level}"')
    return html[start : html.index("</details>", start)]


def test_every_level_has_a_summary_a_map_and_a_ranked_table(tmp_path: Path) -> None:
    html = render_html(atlas_of(tmp_path), lang="en")
    for code, name in (("rights_granted", "Share granted the right to necessary care"), ("waiting_days", "Waiting")):
        for level, title in LEVEL_TITLES.items():
            block = level_block(html, code, level)
            assert block.startswith(f'<details class="level" id="{code}-{level}"{" open" if level == "area" else ">"}')
            assert '<p class="summary">' in block
            assert f"<h3>{title.capitalize()}, 2024</h3>" in block
            assert f"<caption>Ranked table: {name}" in block and f", {title}, 2024" in block
            has_map = re.search(r'<svg viewBox="[^"]+" role="img" aria-label="[^"]+, ' + title + ", 2024", block)
            assert bool(has_map) == (level != "unit"), (code, level)
            assert name in block
    rights = {level: level_block(html, "rights_granted", level) for level in LEVEL_TITLES}
    # Bergen (20 of 20 granted) and Sogndal (12 of 12) in their rows, ranked, with intervals
    assert re.search(r'<td class="num">1</td><th scope="row">Helse Vest</th><td class="num">32</td>', rights["rhf"])
    bergen_hf = r'<th scope="row">Helse Bergen HF</th><td class="num">20</td><td class="num">100 %</td><td>\d+\.\d % –'
    assert re.search(bergen_hf, rights["hf"])
    assert '<th scope="row">Sogndal</th><td class="num">12</td><td class="num">100 %</td>' in rights["municipality"]
    assert re.search(r'<th scope="row">Unit \d+</th><td class="num">32</td>', rights["unit"])
    assert "No map: a treating unit has no territory." in rights["unit"]
    assert "All 2 municipalities with a value shown have 100 %." in rights["municipality"]  # not a range
    waits = level_block(html, "waiting_days", "municipality")  # the quantiles' p90 column
    assert '<th scope="col">Median</th>' in waits and '<th scope="col">90th percentile</th>' in waits


def test_suppressed_municipalities_show_no_figure_in_the_report(tmp_path: Path) -> None:
    # Kinn: 3 referrals, waits 10, 13, 16 days (suppressed); Sogndal: 12 (suppressed too, else Førde's total minus
    # Sogndal would give Kinn); Bergen: 30, waits 10 to 97 days
    b = StoreBuilder()
    unit = b.unit()
    for municipality, count in {"4601": 30, "4602": 3, "4640": 12}.items():
        for i in range(count):
            b.referral(unit, municipality=municipality, start_after=10 + 3 * i)
    atlas = build_atlas(queries.connect(b.write(tmp_path / "store")), AS_OF, ["waiting_days", "new_referrals"])
    html = render_html(atlas, lang="en")
    for code in ("waiting_days", "new_referrals"):
        block = level_block(html, code, "municipality")
        for name in ("Kinn", "Sogndal"):
            hidden = (
                rf'<tr><td class="num"></td><th scope="row">{name}</th><td class="num">–</td><td class="num">–</td>'
            )
            row = re.search(hidden + r".*?</tr>", block)
            assert row, (code, name)
            assert re.fullmatch(r"(<[^>]+>|–|\s|" + name + ")*", row.group(0)), row.group(0)  # nothing but dashes
            assert f"<title>{name}: –</title>" in block  # grey on the map
        assert "2 of 3 municipalities are suppressed (small counts, or a total that would reveal them)." in block
        assert "Kinn" not in re.sub(r"<tr>.*?</tr>|<title>.*?</title>", "", block)  # nor named in the summary
    waits = level_block(html, "waiting_days", "municipality")
    assert '<td class="num">1</td><th scope="row">Bergen</th><td class="num">30</td><td class="num">53.5</td>' in waits
    assert "<title>Bergen: 53.5</title>" in waits
    for hidden_figure in (">13<", "15.4", "26.5", "39.7"):  # the medians and p90s of Kinn and of Sogndal
        assert hidden_figure not in waits
    nb = level_block(render_html(atlas), "waiting_days", "municipality")
    assert '<td class="num">1</td><th scope="row">Bergen</th><td class="num">30</td><td class="num">53,5</td>' in nb
    assert "2 av 3 kommuner er skjult (små tall, eller en sum som ville avslørt dem)." in nb
    assert "<title>Kinn: –</title>" in nb and "Ingen data eller skjult" in nb


def test_rates_show_the_shared_observed_expected_text(tmp_path: Path) -> None:
    b = StoreBuilder()
    unit = b.unit()
    for _ in range(40):
        b.referral(unit, municipality="4601", birth=date(1990, 6, 1))
    atlas = protect(build_atlas(queries.connect(b.write(tmp_path / "rates")), AS_OF, ["new_referrals"]))
    bergen = atlas.values.filter((pl.col("level") == "municipality") & (pl.col("code") == "4601")).row(0, named=True)
    text = formats.observed_expected(bergen)
    assert re.fullmatch(r"\d+\.\d\d \(\d+\.\d\d – \d+\.\d\d\)", text)
    block = level_block(render_html(atlas, lang="en"), "new_referrals", "municipality")
    assert "Observed/expected, standardised indirectly (95 % interval)" in block
    assert re.search(r'<th scope="row">Bergen</th>.*?<td class="num">' + re.escape(text) + "</td></tr>", block)
    block = level_block(render_html(atlas), "new_referrals", "municipality")
    assert "Observert/forventet, indirekte standardisert (95 %-intervall)" in block
    nb = re.escape(formats.observed_expected(bergen, "nb"))
    assert "," in nb and re.search(r'<th scope="row">Bergen</th>.*?<td class="num">' + nb + "</td></tr>", block)


#: English words of the report that bokmål must not show (outside Plotly's own bundle in the head)
ENGLISH = ("Ranked table", "Referral area", "referral areas", "Municipality", "Norway", "suppressed", "Within", "Share")


def test_the_report_is_in_bokmal_by_default(tmp_path: Path) -> None:
    atlas = atlas_of(tmp_path)
    html = render_html(atlas)
    body = html[html.index("<body>") :]
    assert '<html lang="nb">' in html
    assert "<h1>Atlas: variasjon i rusbehandling</h1>" in body
    assert "Data per 01.01.2025." in body and "antall fra 1 til 4 er skjult" in body  # the note on suppression
    assert '<h2 id="rights_granted-title">Andel med rett til nødvendig helsehjelp (2024)</h2>' in body
    assert "<dt>Teller</dt><dd>vurderinger som gir rett til nødvendig helsehjelp</dd>" in body
    areas = level_block(html, "rights_granted", "area")
    assert "<h3>Opptaksområder, 2024</h3>" in areas and '<th scope="col">Opptaksområde</th>' in areas
    assert '<th scope="col">Plass</th>' in areas and '<th scope="col">95 %-intervall</th>' in areas
    assert "<caption>Rangert tabell: Andel med rett til nødvendig helsehjelp, opptaksområder, 2024" in areas
    assert "(tabellalternativ til kartet og diagrammene)" in areas
    assert '<th scope="col">Kommune</th>' in level_block(html, "rights_granted", "municipality")
    assert '<th scope="col">Behandlingsenhet</th>' in level_block(html, "rights_granted", "unit")
    assert "Ikke noe kart: en behandlingsenhet har ikke noe eget område." in level_block(html, "rights_granted", "unit")
    # decimal comma in the figures: Bergen's 20 of 20 granted, Wilson's interval from 83,9 %; flags in bokmål
    bergen = '<th scope="row">Bergen</th><td class="num">20</td><td class="num">100 %</td>'
    assert bergen + "<td>83,9 % – 100 %</td>" in areas
    assert '<td class="missing">Ikke vurdert</td>' in areas
    waits = level_block(html, "waiting_days", "area")
    assert '<th scope="col">90-persentil</th>' in waits
    assert "Norge 2024: 100 % (n = 32)." in body  # the national summary of the rights
    for word in ENGLISH:
        assert not re.search(rf"\b{word}\b", re.sub(r"<script>.*?</script>", "", body, flags=re.S)), word


def test_the_charts_speak_the_reports_language(tmp_path: Path) -> None:
    b = StoreBuilder()
    unit = b.unit()
    for municipality, count in {"4601": 80, "1103": 70, "5001": 60, "1804": 50}.items():  # four areas
        for i in range(count):
            b.referral(unit, municipality=municipality, outcome="granted" if i % 3 else "rejected")
    atlas = build_atlas(queries.connect(b.write(tmp_path / "store")), AS_OF, ["rights_granted"])
    funnel, ranked = figures(render_html(atlas))
    layout = funnel["layout"]
    assert layout["title"]["text"] == "Andel med rett til nødvendig helsehjelp, 2024: traktplott for opptaksområder"
    assert layout["xaxis"]["title"]["text"] == "Antall tilfeller (n)" and layout["yaxis"]["title"]["text"] == "Andel"
    assert layout["separators"] == ", " and layout["annotations"][0]["text"].startswith("Norge 66,")
    assert {t.get("name") for t in funnel["data"]} >= {"95%-grenser", "99,8%-grenser", "Opptaksområde"}
    assert ranked["layout"]["xaxis"]["title"]["text"] == "Andel"
    funnel, _ = figures(render_html(atlas, lang="en"))
    assert funnel["layout"]["xaxis"]["title"]["text"] == "Number of cases (n)"
    assert funnel["layout"]["separators"] == ".,"
    assert funnel["layout"]["annotations"][0]["text"].startswith("Norway 66.")
    assert {t.get("name") for t in funnel["data"]} >= {"95% limits", "99.8% limits", "Referral area"}


def test_english_on_request(tmp_path: Path) -> None:
    html = render_html(atlas_of(tmp_path), lang="en")
    body = html[html.index("<body>") :]
    assert '<html lang="en">' in html
    assert "<h1>Atlas: variation in substance-use treatment</h1>" in body and "Data as of 1 Jan 2025." in body
    areas = level_block(html, "rights_granted", "area")
    assert "<h3>Referral areas, 2024</h3>" in areas and '<th scope="col">Referral area</th>' in areas
    bergen = '<th scope="row">Bergen</th><td class="num">20</td><td class="num">100 %</td>'
    assert bergen + "<td>83.9 % – 100 %</td>" in areas
    for word in ("Opptaksområde", "Kommune", "Rangert", "Norge 2024", "skjult", "Andel"):
        assert word not in re.sub(r"<script>.*?</script>", "", body, flags=re.S), word


def test_indicators_the_store_cannot_give_are_named_in_the_reports_language(tmp_path: Path) -> None:
    b = StoreBuilder()
    unit = b.unit()
    for _ in range(10):
        b.referral(unit)
    folder = b.write(tmp_path / "store")
    (folder / "crisis_plan.parquet").unlink(missing_ok=True)
    atlas = build_atlas(queries.connect(folder), AS_OF, ["rights_granted", "crisis_plan_at_discharge"])
    assert atlas.notes  # what the atlas says in English, for the logs and the CLI
    nb = render_html(atlas)
    assert "<strong>Ikke i dette datalageret:</strong> Gjeldende kriseplan ved utskrivning fra døgn (ROP-11): " in nb
    assert "(ROP-11): trenger crisis_plan" in nb
    en = render_html(atlas, lang="en")
    assert "<strong>Not in this store:</strong> Current crisis plan at inpatient discharge (ROP-11): needs" in en
