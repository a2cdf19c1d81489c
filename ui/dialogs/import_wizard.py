"""The import wizard: file → sheet → mapping → values → preview → import, for assets, handling
practices or risks. The same pipeline as ``isms import`` (``isms.services.imports.files``);
nothing is written until the Import button, and then all of it or nothing. The values page is
shown only when the file has values the register does not recognise as written."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget, QWizard

from isms.db import Register
from isms.services.imports.batch_writer import ImportResult

from ..settings import restore_geometry, save_geometry
from .import_pages.apply_page import ApplyPage, DonePage
from .import_pages.file_page import FilePage
from .import_pages.mapping_page import MappingPage
from .import_pages.preview_page import PreviewPage
from .import_pages.sheet_page import SheetPage
from .import_pages.state import KINDS, ImportState
from .import_pages.values_page import ValuesPage


class ImportWizard(QWizard):
    """Drive it with ``ask``; tests build it, show it and press its buttons."""

    geometry_key = "import_wizard"

    def __init__(self, register: Register, kind: str = "assets",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if kind not in KINDS:
            raise ValueError(f"unknown import kind {kind!r}")
        self.state = ImportState(register, kind)
        self.setWindowTitle(f"Import {KINDS[kind][0].lower()} — isms")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        # After the import there is nothing to go back to or cancel: only Finish.
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)
        self.file_page = FilePage(self.state)
        self.sheet_page = SheetPage(self.state)
        self.mapping_page = MappingPage(self.state)
        self.values_page = ValuesPage(self.state)
        self.preview_page = PreviewPage(self.state)
        self.apply_page = ApplyPage(self.state)
        self.done_page = DonePage(self.state)
        self._page_ids = {
            id(page): self.addPage(page)
            for page in (self.file_page, self.sheet_page, self.mapping_page, self.values_page,
                         self.preview_page, self.apply_page, self.done_page)
        }
        if not restore_geometry(self, self.geometry_key):
            screen = self.screen().availableGeometry()
            self.resize(min(980, screen.width() * 95 // 100), min(700, screen.height() * 9 // 10))

    def nextId(self) -> int:  # noqa: N802 - Qt API
        """After the mapping, the values page only when some value is not recognised."""
        plan = self.state.plan
        if self.currentPage() is self.mapping_page and plan is not None and not plan.unrecognised:
            return self._page_ids[id(self.preview_page)]
        return super().nextId()

    @property
    def result_of_import(self) -> ImportResult | None:
        """What the import did, once it has run (even if the wizard is then closed)."""
        return self.state.result

    def done(self, result: int) -> None:
        save_geometry(self, self.geometry_key)
        super().done(result)

    @classmethod
    def ask(cls, register: Register, kind: str = "assets",
            parent: QWidget | None = None) -> ImportResult | None:
        """Run the wizard modally; what the import did, or None when nothing was imported."""
        wizard = cls(register, kind, parent)
        try:
            wizard.exec()
            return wizard.result_of_import
        finally:
            wizard.deleteLater()
