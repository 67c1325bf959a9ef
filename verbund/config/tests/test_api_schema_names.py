"""Every schema of the REST API has its own name: the OpenAPI document keys its components by class name, so two
routers with a class of the same name (`ReportOut` in two apps) would document one app's answers with the other's
schema — the fuzz test then rejects correct answers, and clients get a wrong contract."""

from collections import defaultdict

from ninja import Schema


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def test_no_two_api_schemas_share_a_name():
    import verbund.config.api  # noqa: F401  (imports every app's router and its schemas)

    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("verbund."):
            by_name[cls.__name__].add(cls.__module__)
    assert {name: sorted(modules) for name, modules in by_name.items() if len(modules) > 1} == {}


def test_the_openapi_document_names_each_component_once():
    from verbund.config.api import api

    components = api.get_openapi_schema()["components"]["schemas"]
    assert "ControllingReportOut" in components and "AvailabilityReportOut" in components
