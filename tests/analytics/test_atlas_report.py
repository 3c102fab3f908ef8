"""The offline report: SVG maps (a page gives at most about 16 WebGL contexts, and the report has a map per
indicator), no network reference outside Plotly's own bundle, a year without data refused."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from helhet.analytics import queries
from helhet.analytics.atlas import build_atlas
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
    html = render_html(atlas_of(tmp_path))
    body = html[html.index("<body>") :]  # Plotly's bundle in the head names every trace type
    assert "choroplethmap" not in body.lower()
    maps = re.findall(r'<svg viewBox="0 0 \d+ \d+" role="img" aria-label="([^"]+)"', body)
    assert len(maps) == len(CODES)
    assert "Share granted the right to necessary care, 2024, by referral area" in maps
    # Bergen's share is drawn in a palette colour, its title gives the value, and areas without data are grey
    bergen = r'fill="#[0-9a-f]{6}" stroke="#[0-9a-f]{6}" stroke-width="0.5"><title>Bergen: 100.0%</title>'
    assert re.search(bergen, body)
    grey = 'fill="#d9d9d9" stroke="#d9d9d9" stroke-width="0.5"><title>Finnmark: –</title>'
    assert '<path d="M' in body and grey in body
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
    html = render_html(atlas)
    assert "by region and year (table alternative to the trend chart)" in html
    assert re.search(r'<th scope="row">Helse Vest</th><td class="num">60.0%</td><td class="num">75.0%</td>', html)
    assert "Trend: Norway 2023: 60.0%, 2024: 75.0%." in html
