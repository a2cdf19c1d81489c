"""A CSV's text encoding: a file that reads as garbled Windows text is flagged with the encoding
it reads in, and ``encoding=`` (``isms import --encoding``) reads it that way, checked over the
whole file."""

from __future__ import annotations

from pathlib import Path

import pytest

from isms.errors import ImportFormatError
from isms.io.readers import open_source

MAC_ROMAN = ("Asset name,Department,Information asset owner\n"
             "Café licences,ENV,José Müller\nCrème rota,ENV,Françoise Señor\n"
             "Élève records,ENV,Zoë Brûlé\n")
GREEK = ("Όνομα,Τμήμα,Εμπιστευτικότητα\nΜητρώο,ENV,Υψηλή\nΑρχείο,ENV,Μέτρια\n"
         "Προσωπικό,ENV,Χαμηλή\n")
FRENCH = "Nom de l'actif,Département\nÉlève à l'école,ENV\nDonnées élèves,ENV\nCrème brûlée,ENV\n"
GERMAN = "Bezeichnung,Abteilung\nGebühren für Bürger,ENV\nSchülerakten Übersicht,ENV\n"


def written(tmp_path: Path, text: str, encoding: str) -> Path:
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(("text", "encoding", "named"), [
    (MAC_ROMAN, "mac_roman", "Mac Roman"), (GREEK, "cp1253", "Greek (Windows-1253)")])
def test_text_that_reads_garbled_as_windows_text_is_flagged_with_its_encoding(
    tmp_path: Path, text: str, encoding: str, named: str
) -> None:
    with open_source(written(tmp_path, text, encoding)) as source:
        assert source.encoding == "cp1252"
        (warning,) = source.warnings
        assert f"it reads as {named} text: import it with --encoding {encoding}" in warning
        garbled = [cell for _, row in source.rows() for cell in row]
    assert "Café licences" not in garbled and "Μητρώο" not in garbled

    with open_source(written(tmp_path, text, encoding), encoding=encoding) as source:
        cells = [cell for _, row in source.rows() for cell in row]
        assert source.warnings == ()
    assert cells[:3] == text.splitlines()[0].split(",")
    assert text.splitlines()[1].split(",")[0] in cells


@pytest.mark.parametrize(("text", "encoding"), [
    (FRENCH, "cp1252"), (GERMAN, "cp1252"), (FRENCH, "utf-8"), (GREEK, "utf-8")])
def test_text_in_its_own_encoding_is_not_flagged(
    tmp_path: Path, text: str, encoding: str
) -> None:
    with open_source(written(tmp_path, text, encoding)) as source:
        assert source.warnings == ()
        assert [cell for _, row in source.rows() for cell in row][0] == text.split(",")[0]


def test_an_encoding_that_does_not_fit_the_file_or_is_unknown_is_refused(tmp_path: Path) -> None:
    path = written(tmp_path, GREEK, "utf-8")
    with pytest.raises(ImportFormatError, match=r"utf-8\.csv.*line 1 is not ASCII text"):
        open_source(path, encoding="ascii")
    with pytest.raises(ImportFormatError, match="'klingon' is not a text encoding isms knows"):
        open_source(path, encoding="klingon")
