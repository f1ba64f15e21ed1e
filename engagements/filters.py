import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.people import display_name

from .models import Client, Engagement, Health


class EngagementFilter(django_filters.FilterSet):
    """Filters, search and sorting of the engagement list, all from the query string."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    stage = django_filters.ChoiceFilter(choices=Engagement.Stage.choices, label=_("Stage"))
    health = django_filters.ChoiceFilter(choices=Health.choices, label=_("Health"))
    client = django_filters.ModelChoiceFilter(queryset=Client.objects.none(), label=_("Client"))
    lead = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.none(), label=_("Advisor"), method="advisor"
    )
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
    )

    class Meta:
        model = Engagement
        fields = ["q", "stage", "health", "client", "lead"]

    def __init__(self, *args, clients, advisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["client"].queryset = clients
        self.filters["lead"].queryset = advisors
        self.filters["lead"].field.label_from_instance = display_name
        for field in self.form.fields.values():
            is_select = hasattr(field, "choices")
            field.widget.attrs["class"] = "form-select form-select-sm" if is_select else "form-control form-control-sm"

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(client__name__icontains=value) | Q(stated_request__icontains=value)
        )

    def advisor(self, queryset, name, user):
        """Led by the advisor, or with the advisor as member."""
        members = Engagement.members.through.objects.filter(user=user).values("engagement")
        return queryset.filter(Q(lead=user) | Q(pk__in=members))
