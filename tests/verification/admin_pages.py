"""Drive verification's admin pages as a person does: add a source from a claim's page."""

import pytest

pytestmark = pytest.mark.django_db


def add_source(client, data: dict, query: str = ""):
    """Post the source admin's add form, with the management data of its inlines."""
    form = client.get(f"/admin/annotations/source/add/{query}")
    for inline in form.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return client.post(f"/admin/annotations/source/add/{query}", data)
