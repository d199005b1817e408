"""The network view's HTML, printable document and CSV."""

from cap.aggregate import aggregate, anonymise
from cap.network import network_page, view_csv, view_html
from tests.conftest import assessment


def _items(mini, values=(1, 2, 3, 4, 3, 2)):
    return [anonymise(mini, assessment({"AA-ONE-01": v, "AA-ONE-02": 5 - v})) for v in values]


def test_network_page_has_range_bars_with_words_and_a_table(mini) -> None:
    html = network_page(mini, aggregate(mini, _items(mini)))
    assert "Résultats consolidés du réseau" in html and "6 évaluations" in html
    assert 'class="cap-net-box"' in html and "la moitié des structures entre" in html
    assert "<table" in html and "<script" not in html


def test_a_small_group_is_withheld_with_a_sentence(mini) -> None:
    html = view_html(mini, aggregate(mini, _items(mini, (1, 2))))
    chart = html.split('class="cap-net-chart"')[1].split("</ul>")[0]
    assert "moins de 5 structures" in html and 'class="cap-net-box"' not in chart
    assert 'data-withheld="true"' in html


def test_csv_cells_that_look_like_formulas_are_neutralised(mini) -> None:
    result = aggregate(mini, _items(mini))
    result["filters"] = {"region": "=HYPERLINK(\"x\")"}
    text = view_csv(mini, result)
    assert text.startswith("\ufeffGroupe;Niveau;") and "'région" not in text
    assert ";'=HYPERLINK" not in text  # inside the group text, not at a cell's start
    result["filters"] = {}
    own = {"name": "x", "overall": {"percent": 50.0, "position": "-1"}, "pillars": {}, "themes": {}}
    assert ";'-1\r\n" in view_csv(mini, result, own)
