import pytest
from django.core.management import CommandError, call_command

from verbund.closing.models import ActualCost
from verbund.closing.tests.conftest import ACTUAL_COSTS_CSV


def test_import_actuals_command(closing, tmp_path, capsys, english):
    good = tmp_path / "ist.csv"
    good.write_text(ACTUAL_COSTS_CSV, encoding="utf-8")
    call_command("import-actuals", str(closing.pk), "costs", str(good))
    assert ActualCost.objects.filter(closing=closing).count() == 5
    assert "5 lines imported" in capsys.readouterr().out
    call_command("import-actuals", str(closing.pk), "costs", str(good))
    assert "nothing changed" in capsys.readouterr().out
    bad = tmp_path / "falsch.csv"
    bad.write_text("cost_centre;cost_type;amount\nXX;PERS;1\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import-actuals", str(closing.pk), "costs", str(bad))
    assert "Line 2, column cost_centre" in capsys.readouterr().err
    assert ActualCost.objects.filter(closing=closing).count() == 5
    with pytest.raises(CommandError):
        call_command("import-actuals", "999999", "costs", str(good))
