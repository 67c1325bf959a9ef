from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "verbund.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django import forms

        from verbund.core.params import refuse_control_characters

        # Every text field of every form (ours, the admin's, future ones) refuses control characters, as Django
        # refuses NUL: one place instead of a validator on each field (ADR 0023). Subclasses with their own
        # default validators (e-mail, URL, slug) accept only printable text anyway.
        if refuse_control_characters not in forms.CharField.default_validators:
            forms.CharField.default_validators = [*forms.CharField.default_validators, refuse_control_characters]
