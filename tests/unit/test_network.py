"""The standalone network report."""

from cap.aggregate import aggregate, anonymise
from cap.network import network_page
from tests.conftest import assessment


def test_network_page_has_table_and_labelled_charts(mini) -> None:
    html = network_page(mini, aggregate(mini, [anonymise(mini, assessment({"AA-ONE-01": v})) for v in (1, 3)]))
    assert "Résultats consolidés du réseau" in html and "2 évaluations" in html
    assert 'role="img" aria-label="médiane' in html and "<script" not in html
