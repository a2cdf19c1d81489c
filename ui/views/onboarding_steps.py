"""What an onboarding step's button opens, as the menus would (the same checks of the user's role):
the Departments or People list, the import wizard, a new risk, the Controls & SoA page, a review
meeting's plan; or, for a step begun and not finished (a risk not scored, a review not held), the
page that holds it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from isms.services.access import Level

if TYPE_CHECKING:
    from .shell import Shell


def open_step(window: Shell, key: str) -> None:
    """What a step's button opens, as the menus would (the same checks of the user's role)."""
    if key in ("departments", "people"):
        if not window.allows(Level.ADMINISTRATOR):
            window.statusBar().showMessage(
                "Only an administrator of the register adds departments and people.", 10_000)
            return
        from ..dialogs.org_lists import DepartmentsDialog, PeopleDialog

        kind = DepartmentsDialog if key == "departments" else PeopleDialog
        dialog = kind(window.register, window, window.undo_history)
        dialog.run()
        if dialog.changed:
            window.department_filter.load(window.register)
            window.refresh()
    elif key == "assets":
        if not window.allows(Level.EDITOR):
            window.statusBar().showMessage("Your role in this register does not import.",
                                           10_000)
            return
        from .import_menu import import_file

        import_file(window, "assets")
    elif key == "risk":
        window.new_risk()
    elif key == "soa":
        window.show_page_key("controls")
    elif key == "climate":
        window.show_page_key("context")  # the climate editor opens over the issues it joins
        if window.allows(Level.EDITOR):
            from ..dialogs.context_editors import ClimateEditor

            climate = ClimateEditor(window.register, window)
            if climate.exec() and climate.changed is not None:
                window.refresh(climate.changed)
        else:
            window.statusBar().showMessage(
                "Your role in this register does not record the climate decision.", 10_000)
    elif key in ("risks-page", "reviews-page"):
        window.show_page_key(key.removesuffix("-page"))
    elif key == "review":
        if not window.allows(Level.EDITOR):
            window.statusBar().showMessage("Your role in this register does not plan reviews.",
                                           10_000)
            return
        if window.review_meetings.plan() is not None:
            window.show_page_key("reviews")
            window.refresh()
    else:
        raise ValueError(f"unknown onboarding step {key!r}")
