"""Long lists, one page at a time: a list that grows with a cohort (or with a widyaiswara's
years) shows about fifty rows, so that a page costs what it shows. The links are drawn by
templates/includes/pagination.html."""

from django import forms
from django.core.paginator import Paginator

PER_PAGE = 50


def page_of(request, rows, *, per_page=PER_PAGE, param="page", count=None):
    """The page of `rows` (an ordered queryset, or a list) that `request` asks for with
    `?page=`. A number out of range or unreadable gives the nearest page, not an error: a
    list that shrank since its link was drawn still opens. Two queries for a queryset: the
    count and the page's rows, or only the rows when the caller knows the `count` already
    (from an aggregate it needs anyway).

    `page.query` is the rest of the query string (search, filters, tab), for the fragment's
    links: `{% include "includes/pagination.html" with page=rows query=rows.query %}`."""
    paginator = Paginator(rows, per_page)
    if count is not None:
        paginator.count = count  # a cached property: Paginator then runs no COUNT query
    page = paginator.get_page(request.GET.get(param))
    rest = request.GET.copy()
    rest.pop(param, None)
    page.query = rest.urlencode()
    return page


def page_rows(page, rows):
    """The rows of `page` (of an ordered queryset) read again through `rows`: the same list
    with what the page shows joined and computed, in the same order. The database then sorts
    and cuts the list on the columns the order needs, and joins and computes for the page's
    fifty rows only, not for every row before the cut. Still one query: the page's keys are
    a subquery."""
    return rows.filter(pk__in=page.object_list.values("pk"))


class ListFilterForm(forms.Form):
    """A long list's search and filters (a GET form above it), drawn small. What is not valid
    (a mistyped date, a choice that no longer exists) is left out, not an error: the list still
    opens, filtered by the rest."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{css} form-select-sm form-control-sm"

    def filters(self):
        """The valid filters (none for an unbound form)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data
