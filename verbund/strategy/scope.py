"""Which LeiKa services a municipality is measured against, and where the shipped catalogue lies.

The LeiKa type (Typisierung) says who regulates and who executes a service. Read from the type explanations of
the FIM code list (next-capabilities §C.1), municipal execution is possible for the types 2, 2b, 3, 3b, 2/3, 4b
and 5; a service whose type lists several values ("1, 2/3") counts when one of them is in the set. The set is
configurable per deployment with `VERBUND_STRATEGY_MUNICIPAL_TYPES` (comma-separated) or the setting
`STRATEGY_MUNICIPAL_TYPES`; after a change, `verbund import-ozg-catalogue` (or any import) applies it again.
"""

from pathlib import Path

from django.conf import settings

from verbund.config.env import env_list, env_str

DEFAULT_MUNICIPAL_TYPES = ("2", "2b", "3", "3b", "2/3", "4b", "5")
VALID_TYPES = frozenset(
    {
        "1",
        "2",
        "2a",
        "2b",
        "3",
        "3a",
        "3b",
        "2/3",
        "2/3a",
        "2/3b",
        "4",
        "4a",
        "4b",
        "5",
        "6",
        "7",
        "8",
        "9",
        "10",
        "11",
        "12",
    }
)
ATTRIBUTION = "Quelle: KDN OZG-Datenbank NRW (Stand 2019), MIT-Lizenz"
LICENCE_NOTICE = "Copyright (c) 2020 Gert Hammes (kdn-nrw/OZG-Datenbank-NRW), MIT License"


def municipal_types() -> frozenset[str]:
    configured = getattr(settings, "STRATEGY_MUNICIPAL_TYPES", None)
    if configured is None:
        configured = env_list("VERBUND_STRATEGY_MUNICIPAL_TYPES", list(DEFAULT_MUNICIPAL_TYPES))
    return frozenset(str(t).strip() for t in configured if str(t).strip())


def type_tokens(leika_type: str) -> list[str]:
    return [token.strip() for token in leika_type.split(",") if token.strip()]


def is_municipal(leika_type: str, types: frozenset[str] | None = None) -> bool:
    wanted = municipal_types() if types is None else types
    return any(token in wanted for token in type_tokens(leika_type))


def default_data_dir() -> Path:
    configured = getattr(settings, "STRATEGY_OZG_DATA_DIR", None) or env_str("VERBUND_OZG_DATA_DIR", "")
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR).parent / "shared" / "data" / "ozg-leika"
