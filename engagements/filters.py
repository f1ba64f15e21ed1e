from collections.abc import Callable
from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.markup import format_html, format_html_join

from .models import Client, Engagement, Flag, Health

# How many clients the client filter suggests while a name is typed.
CLIENT_SUGGESTIONS = 8


def suggest_clients(clients: QuerySet[Client], typed: str) -> list[Client]:
    """Up to CLIENT_SUGGESTIONS + 1 of `clients` whose name contains `typed` (any case): the
    names that start with it first, then by name. One more than is shown, so that the list
    can say there are more. Only the columns a suggestion shows."""
    typed = typed.strip()
    if not typed:
        return []
    starts = Case(When(name__istartswith=typed, then=Value(0)), default=Value(1), output_field=IntegerField())
    matches = clients.filter(name__icontains=typed).only("pk", "name").order_by(starts, "name")
    return list(matches[: CLIENT_SUGGESTIONS + 1])


class QuickSelect(forms.Select):
    """A <select> of a few plain options, written in Python: Django's own renders each option
    through the form renderer's templates (0.3-0.6 ms a select, and the engagement list has
    four on every request). The same HTML; no option groups, one option selected."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = self.format_value(value)[:1]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((option, " selected" if str(option) in chosen else "", label) for option, label in self.choices),
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs) | {"name": name})
        return format_html("<select{}>{}</select>", attributes, options)


class QuickTextInput(forms.TextInput):
    """A text <input> written in Python, as QuickSelect and for the same reason: the same HTML
    as Django's input.html (type, name, the value when there is one, then the attributes)."""

    def render(self, name, value, attrs=None, renderer=None):
        shown = self.format_value(value)
        value_attribute = format_html(' value="{}"', shown) if shown is not None else ""
        rest = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<input type="{}" name="{}"{}{}>', self.input_type, name, value_attribute, rest)


def style_filter_fields(form) -> None:
    """The small Bootstrap controls of a list's filter bar, on every visible field."""
    for field in form.fields.values():
        if field.widget.is_hidden:
            continue
        is_select = hasattr(field, "choices")
        field.widget.attrs["class"] = "form-select form-select-sm" if is_select else "form-control form-control-sm"


class EngagementFilter(django_filters.FilterSet):
    """Filters, search and sorting of the engagement list, all from the query string.

    The client is chosen by id (`client=<id>`, from a link, a bookmark or a suggestion while
    typing) or by name (`client_name=`, what was typed, without JavaScript too: every client
    whose name contains it). A name typed replaces the chosen client: typing another client's
    name and pressing Enter means that client. A client id the user may not see, or no
    number at all, filters nothing and says so next to the field (never a 500)."""

    q = django_filters.CharFilter(method="search", label=_("Search"), widget=QuickTextInput)
    stage = django_filters.ChoiceFilter(choices=Engagement.Stage.choices, label=_("Stage"), widget=QuickSelect)
    health = django_filters.ChoiceFilter(choices=Health.choices, label=_("Health"), widget=QuickSelect)
    # A hidden field: the chosen client is shown by name (the template's chip), never as a
    # <select> of every client (2,000 options at a real consultancy's size).
    client = django_filters.ModelChoiceFilter(
        queryset=Client.objects.none(),
        label=_("Client"),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This client is not one of yours, so the list is not filtered by it.")},
    )
    client_name = django_filters.CharFilter(method="by_client_name", label=_("Client"))
    # The advisors on the visible engagements, as (pk, name) choices read in one query: no
    # model choice iterator (a server-side cursor) and no second query to check the choice.
    lead = django_filters.ChoiceFilter(label=_("Advisor"), method="advisor", widget=QuickSelect)
    sort = django_filters.OrderingFilter(
        fields=[
            ("title", "title"),
            ("client__name", "client"),
            ("stage", "stage"),
            ("health", "health"),
            ("updated_at", "updated"),
        ],
        field_labels={
            "title": _("Title"),
            "client__name": _("Client"),
            "stage": _("Stage"),
            "health": _("Health"),
            "updated_at": _("Last change"),
        },
        label=_("Sort by"),
        widget=QuickSelect,
    )

    class Meta:
        model = Engagement
        fields = ["q", "stage", "health", "client", "client_name", "lead"]

    def __init__(self, data=None, *args, clients: Callable[[], QuerySet[Client]], advisors, **kwargs):
        """`clients` gives the user's clients, asked for only when a client was chosen;
        `advisors` the advisors to filter by, as (pk, name) choices."""
        if data is not None and data.get("client_name", "").strip() and "client" in data:
            data = data.copy()
            del data["client"]  # the name typed replaces the chosen client
        super().__init__(data, *args, **kwargs)
        if self.data.get("client"):
            self.filters["client"].queryset = clients().only("pk", "name")
        self.filters["lead"].extra["choices"] = list(advisors)
        style_filter_fields(self.form)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(client__name__icontains=value) | Q(stated_request__icontains=value)
        )

    def by_client_name(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(client__name__icontains=value) if value else queryset

    @property
    def chosen_client(self) -> Client | None:
        """The client chosen by id (valid and visible to the user), else None."""
        if not self.is_bound:
            return None
        self.form.errors  # noqa: B018 (validates the form, once)
        return self.form.cleaned_data.get("client")

    def advisor(self, queryset, name, user_id):
        """Led by the advisor, or with the advisor as member."""
        members = Engagement.members.through.objects.filter(user_id=user_id).values("engagement")
        return queryset.filter(Q(lead_id=user_id) | Q(pk__in=members))


class FlagQueueFilter(django_filters.FilterSet):
    """The review queue's filters and search, from the query string (a bookmark keeps them).
    The advisor and client choices are those of the queue's own flags, as (pk, name) pairs."""

    AGES = (("1", _("Older than a day")), ("7", _("Older than a week")), ("30", _("Older than 30 days")))
    STATUSES = ((Flag.Status.OPEN, _("Open")), (Flag.Status.IN_REVIEW, _("In review")))

    q = django_filters.CharFilter(method="search", label=_("Search"), widget=QuickTextInput)
    kind = django_filters.ChoiceFilter(choices=Flag.Kind.choices, label=_("Kind"), widget=QuickSelect)
    severity = django_filters.ChoiceFilter(choices=Flag.Severity.choices, label=_("Severity"), widget=QuickSelect)
    status = django_filters.ChoiceFilter(choices=STATUSES, label=_("Status"), widget=QuickSelect)
    advisor = django_filters.ChoiceFilter(label=_("Advisor"), method="by_advisor", widget=QuickSelect)
    client = django_filters.ChoiceFilter(label=_("Client"), method="by_client", widget=QuickSelect)
    age = django_filters.ChoiceFilter(choices=AGES, label=_("Age"), method="by_age", widget=QuickSelect)

    class Meta:
        model = Flag
        fields = ["q", "kind", "severity", "status", "advisor", "client", "age"]

    def __init__(self, data=None, *args, advisors=(), clients=(), **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["advisor"].extra["choices"] = list(advisors)
        self.filters["client"].extra["choices"] = list(clients)
        style_filter_fields(self.form)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(engagement__title__icontains=value)
            | Q(engagement__client__name__icontains=value)
            | Q(details__icontains=value)
        )

    def by_advisor(self, queryset, name, value):
        return queryset.filter(engagement__lead_id=value)

    def by_client(self, queryset, name, value):
        return queryset.filter(engagement__client_id=value)

    def by_age(self, queryset, name, value):
        return queryset.filter(created_at__lte=timezone.now() - timedelta(days=int(value)))
