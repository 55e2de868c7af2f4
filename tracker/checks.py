"""System checks: the clinic's rule settings are refused at start-up (manage.py check, migrate,
runserver, gunicorn's first request), not on the first evaluation of a patient."""

from django.core import checks


@checks.register()
def rule_settings_check(app_configs=None, **kwargs):
    from tracker import selectors

    try:
        selectors.rule_settings()
    except (ValueError, TypeError, ArithmeticError) as exc:
        return [
            checks.Error(
                f"The clinical rule settings are not valid: {exc}.",
                hint="RULE_SET must be us_label or eu_smpc; LVEF_LOWER_LIMIT_NORMAL a number "
                "such as 50; ASSESSMENT_DUE_SOON_DAYS a whole number of days.",
                id="tracker.E001",
            )
        ]
    return []
