"""Last steps: choose all-or-nothing or the valid rows only, import, and see what was done."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QLabel, QRadioButton, QWidget, QWizard

from isms.errors import Cancelled, IsmsError
from isms.io.importing.value_map import NEW_DEPARTMENT, NEW_PERSON
from isms.services.imports.batch_writer import ImportResult

from ...operations import run_with_progress
from .base import ImportPage
from .state import ImportState, apply_import, rows_text


def result_summary(result: ImportResult) -> str:
    """'Imported: 12 created, 3 updated (batch 7).'"""
    if result.batch_id is None:  # nothing new or changed: no batch was written
        reasons = []
        if result.unchanged:
            reasons.append(f"{rows_text(result.unchanged)} already in the register as the file has "
                           f"{'it' if result.unchanged == 1 else 'them'}")
        if result.skipped:
            reasons.append(f"{rows_text(result.skipped)} with errors left out")
        return "Nothing was imported" + (f": {'; '.join(reasons)}." if reasons else
                                         ": the sheet has no rows under its column names.")
    text = f"Imported: {result.created:,} created, {result.updated:,} updated"
    if result.unchanged:
        text += f", {result.unchanged:,} unchanged"
    if result.skipped:
        text += f", {rows_text(result.skipped)} with errors left out"
    return text + f" (batch {result.batch_id})."


class ApplyPage(ImportPage):
    """A commit page: its Import button writes, and the wizard cannot go back past it."""

    def __init__(self, state: ImportState, parent: QWidget | None = None) -> None:
        super().__init__(state, "Import",
                         "The import is written in one go: all of it, or nothing. It can be "
                         "taken back later as a whole with File → Import → Undo an import…",
                         parent)
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Import")
        self.what = QLabel()
        self.what.setWordWrap(True)
        self.all_rows = QRadioButton("Import &all rows — only if no row has an error")
        self.valid_only = QRadioButton("Import the &valid rows only")
        self.choice = QButtonGroup(self)
        for button in (self.all_rows, self.valid_only):
            self.choice.addButton(button)
            button.toggled.connect(lambda _checked: self.completeChanged.emit())
        self.valid_note = QLabel()
        self.valid_note.setWordWrap(True)
        self.valid_note.setIndent(24)
        self.body.addWidget(self.what)
        self.body.addSpacing(8)
        self.body.addWidget(self.all_rows)
        self.body.addWidget(self.valid_only)
        self.body.addWidget(self.valid_note)
        self.body.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        state, plan = self.state, self.state.plan
        assert plan is not None and state.path is not None
        self.message.clear()
        counts = plan.counts
        self.what.setText(f"<b>{plan.file_name}</b>, sheet <b>{plan.sheet}</b>: "
                          f"{counts['new']:,} new {state.plural}, {counts['update']:,} to "
                          f"update, {counts['unchanged']:,} unchanged, {counts['error']:,} "
                          "with errors.")
        errors = counts["error"]
        if errors:
            self.valid_note.setText(f"The {errors:,} row{'' if errors == 1 else 's'} with errors "
                                    "will be left out; the error workbook (previous page) lists "
                                    "them for the department.")
        else:
            self.valid_note.setText("No row has an error: both choices import every row.")
        # With errors the user says which they want; "all" would be refused, so it is not
        # picked for them.
        self.choice.setExclusive(False)
        self.all_rows.setChecked(not errors)
        self.valid_only.setChecked(False)
        self.choice.setExclusive(True)

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        return self.choice.checkedButton() is not None

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        """Write the import; stay on the page (nothing written) when refused or cancelled."""
        state, plan = self.state, self.state.plan
        assert plan is not None
        valid_only = self.valid_only.isChecked()
        register = state.register
        try:
            state.result = run_with_progress(
                self, "Importing", f"Importing {plan.file_name}…",
                lambda progress: apply_import(register, plan, valid_only, progress),
                cancellable=True,
            )
        except Cancelled:
            self.message.info("Import cancelled. The register was not changed.")
            return False
        except IsmsError as exc:  # refused (errors and "all"), or changed meanwhile
            self.message.error(str(exc))
            return False
        return True


class DonePage(ImportPage):
    def __init__(self, state: ImportState, parent: QWidget | None = None) -> None:
        # A subtitle keeps the wizard's header band: without one Qt lays the page out plainly.
        super().__init__(state, "Done", "What the import wrote to the register.", parent)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setAccessibleName("Import result")
        self.next_steps = QLabel()
        self.next_steps.setWordWrap(True)
        self.body.addWidget(self.result)
        self.body.addSpacing(8)
        self.body.addWidget(self.next_steps)
        self.body.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        result = self.state.result
        assert result is not None
        self.result.setText(f"<b>{result_summary(result)}</b>")
        steps = []
        if self.state.kind == "assets" and result.created:
            steps.append("The new assets are pending verification until their owner or the SMG "
                         "confirms them.")
        plan = self.state.plan
        creating = {value.chosen for value in plan.unrecognised} if plan is not None else set()
        if result.batch_id is not None and NEW_PERSON in creating:
            steps.append("The people the file named who were not in the register were added as "
                         "new people, marked unverified (Settings → People… lists them).")
        if result.batch_id is not None and NEW_DEPARTMENT in creating:
            steps.append("The departments the file named that were not in the register were "
                         "added (Settings → Departments… lists them).")
        if result.batch_id is not None:
            steps.append("File → Import → Undo an import… takes the whole batch back while "
                         "nothing has changed its records since.")
        self.next_steps.setText(" ".join(steps))
