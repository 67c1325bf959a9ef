from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "verbund.demo"
    label = "demo"
    verbose_name = "Demo federation"
