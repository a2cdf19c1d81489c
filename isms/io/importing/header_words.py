"""Column headings in the other languages council partners and public templates use.

Czech, Greek, Spanish, French and German headings for the common fields of asset and risk
registers, added to each field's English synonyms (``fields.py``). Headings are compared in
``values.key`` form, which keeps every language's letters without their accents, so "Vlastník
aktiva", "vlastnik aktiva" and "VLASTNÍK AKTIVA" are one heading.
"""

from __future__ import annotations

#: field key -> headings that mean it, in any of the languages (compared in ``key`` form).
ASSET_HEADINGS: dict[str, tuple[str, ...]] = {
    "ref": ("id aktiva", "číslo aktiva", "kód aktiva", "κωδικός", "κωδικός πόρου",
            "α/α", "código", "código del activo", "identificador", "référence",
            "code de l'actif", "identifiant", "kennung", "referenz", "asset-id", "inventarnummer"),
    "name": ("název", "název aktiva", "aktivum", "aktiva", "όνομα", "περιουσιακό στοιχείο",
             "πόρος", "όνομα πόρου", "nombre", "activo", "nombre del activo", "nom",
             "nom de l'actif", "actif", "bezeichnung", "name des assets", "informationswert",
             "asset-name", "vermögenswert"),
    "asset_type": ("typ", "typ aktiva", "druh aktiva", "τύπος", "κατηγορία", "τύπος πόρου",
                   "tipo", "tipo de activo", "categoría", "type d'actif", "catégorie",
                   "typ des assets", "kategorie"),
    "description": ("popis", "περιγραφή", "descripción", "description de l'actif",
                    "beschreibung"),
    "department": ("útvar", "odbor", "oddělení", "τμήμα", "διεύθυνση", "departamento",
                   "área", "unidad", "département", "abteilung",
                   "bereich", "organisationseinheit"),
    "owner": ("vlastník", "vlastník aktiva", "garant", "κάτοχος", "ιδιοκτήτης",
              "υπεύθυνος", "propietario", "responsable", "propietario del activo",
              "propriétaire", "propriétaire de l'actif", "eigentümer", "verantwortlicher",
              "asset-eigentümer"),
    "custodian": ("správce", "správce aktiva", "θεματοφύλακας", "διαχειριστής", "custodio",
                  "gestor", "dépositaire", "gestionnaire", "verwalter", "betreuer"),
    "location": ("umístění", "lokalita", "τοποθεσία", "θέση", "ubicación", "localización",
                 "emplacement", "localisation", "standort", "speicherort"),
    "marking": ("klasifikace", "stupeň utajení", "διαβάθμιση", "ταξινόμηση",
                "clasificación", "nivel de clasificación", "classification",
                "niveau de classification", "klassifizierung", "einstufung",
                "schutzbedarf"),
    "confidentiality": ("důvěrnost", "εμπιστευτικότητα", "confidencialidad",
                        "confidentialité", "vertraulichkeit"),
    "integrity": ("integrita", "ακεραιότητα", "integridad", "intégrité", "integrität"),
    "availability": ("dostupnost", "διαθεσιμότητα", "disponibilidad", "disponibilité",
                     "verfügbarkeit"),
    "personal_data": ("osobní údaje", "προσωπικά δεδομένα", "datos personales",
                      "données personnelles", "données à caractère personnel",
                      "personenbezogene daten"),
    "special_category": ("zvláštní kategorie osobních údajů", "ειδικές κατηγορίες",
                         "categorías especiales", "données sensibles",
                         "besondere kategorien"),
    "status": ("stav", "κατάσταση", "estado", "statut", "état"),
    "next_review": ("datum revize", "příští revize", "επόμενη αναθεώρηση",
                    "fecha de revisión", "próxima revisión", "date de révision",
                    "prochaine revue", "nächste überprüfung", "überprüfungsdatum"),
}

RISK_HEADINGS: dict[str, tuple[str, ...]] = {
    "ref": ("id rizika", "číslo rizika", "κωδικός κινδύνου", "id del riesgo",
            "référence du risque", "risiko-id", "risikonummer"),
    "title": ("riziko", "název rizika", "κίνδυνος", "περιγραφή κινδύνου", "riesgo",
              "risque", "intitulé du risque", "risiko", "risikobezeichnung"),
    "description": ("popis rizika", "περιγραφή", "descripción del riesgo",
                    "description du risque", "risikobeschreibung"),
    "department": ASSET_HEADINGS["department"],
    "owner": ("vlastník rizika", "ιδιοκτήτης κινδύνου", "υπεύθυνος κινδύνου",
              "propietario del riesgo", "propriétaire du risque", "risikoeigner",
              "risikoverantwortlicher"),
    "threat": ("hrozba", "απειλή", "amenaza", "menace", "bedrohung", "gefährdung"),
    "vulnerability": ("zranitelnost", "ευπάθεια", "vulnerabilidad", "vulnérabilité",
                      "schwachstelle"),
    "inherent_likelihood": ("pravděpodobnost", "πιθανότητα", "probabilidad",
                            "vraisemblance", "probabilité", "eintrittswahrscheinlichkeit",
                            "wahrscheinlichkeit"),
    "inherent_impact": ("dopad", "závažnost", "επίπτωση", "αντίκτυπος", "impacto",
                        "gravité", "auswirkung", "schadenshöhe", "schadensausmaß"),
    "treatment_option": ("ošetření rizika", "zvládání rizika", "αντιμετώπιση",
                         "χειρισμός κινδύνου", "tratamiento", "tratamiento del riesgo",
                         "traitement", "traitement du risque", "risikobehandlung",
                         "behandlung"),
    "status": ASSET_HEADINGS["status"],
    "next_review": ASSET_HEADINGS["next_review"],
}
