from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasestudiesConfig(AppConfig):
    name = "casestudies"
    verbose_name = _("Case studies")

    def ready(self):
        # The intake's lessons panel and the lesson search read the case studies through
        # this source (engagements never imports casestudies).
        from engagements.lessons import register

        from .lessons import CaseLessons

        register(CaseLessons())
