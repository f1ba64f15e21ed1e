from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasestudiesConfig(AppConfig):
    name = "casestudies"
    verbose_name = _("Case studies")

    def ready(self):
        # The intake's lessons panel and the lesson search read the case studies through
        # this source (engagements never imports casestudies).
        # In ready(): these modules import models, which apps.py may not at import time.
        from engagements.lessons import register  # app loading: models are ready only here

        from .lessons import CaseLessons  # app loading: models are ready only here

        register(CaseLessons())
