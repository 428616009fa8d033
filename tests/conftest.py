from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
REFERENCE = FIXTURES / "valid" / "leaving-las-vegas.txt"

# `ci` runs more examples than a developer's quick loop; CI (which sets CI=true)
# selects it, and HYPOTHESIS_PROFILE overrides either way.
settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=60, deadline=None)


@pytest.fixture(scope="session")
def reference_text() -> str:
    return REFERENCE.read_text(encoding="utf-8")


# `deep` for hunting: HYPOTHESIS_PROFILE=deep pytest tests/test_roundtrip.py
settings.register_profile(
    "deep", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

_default = "ci" if os.environ.get("CI", "").lower() in {"1", "true"} else "dev"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", _default))
