"""Initial schema: organisation, assets, handling, threats, risks, controls and SoA, evidence,
reviews, imports and the change log (without its hash chain, which 0002 adds).

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "insert",
                "update",
                "delete",
                "event",
                name="change_action",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=40), nullable=True),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
    )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_log_at"), ["at"], unique=False)
        batch_op.create_index("ix_change_log_record", ["table_name", "record_id"], unique=False)

    op.create_table(
        "classification_scheme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classification_scheme")),
        sa.UniqueConstraint("name", name=op.f("uq_classification_scheme_name")),
    )
    op.create_table(
        "control",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "edition",
            sa.Enum(
                "2022",
                "2013",
                "local",
                name="control_edition",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("ref", sa.String(length=20), nullable=False),
        sa.Column("sort_key", sa.String(length=60), nullable=False),
        sa.Column("theme", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control")),
        sa.UniqueConstraint("edition", "ref", name=op.f("uq_control_edition_ref")),
    )
    with op.batch_alter_table("control", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_control_sort_key"), ["sort_key"], unique=False)

    op.create_table(
        "department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("in_scope", sa.Boolean(), nullable=False),
        sa.Column(
            "accreditation_status",
            sa.Enum(
                "not started",
                "in progress",
                "ready for audit",
                "accredited",
                name="accreditation_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["department.id"], name=op.f("fk_department_parent_id_department")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department")),
        sa.UniqueConstraint("code", name=op.f("uq_department_code")),
        sa.UniqueConstraint("name", name=op.f("uq_department_name")),
    )
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_department_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "register_setting",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_register_setting")),
    )
    op.create_table(
        "risk_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_criteria")),
        sa.UniqueConstraint("version_number", name=op.f("uq_risk_criteria_version_number")),
    )
    op.create_table(
        "threat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("affects", sa.String(length=3), nullable=False),
        sa.Column("local", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threat")),
        sa.UniqueConstraint("code", name=op.f("uq_threat_code")),
    )
    op.create_table(
        "vulnerability",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("local", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vulnerability")),
        sa.UniqueConstraint("code", name=op.f("uq_vulnerability_code")),
    )
    op.create_table(
        "classification_marking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["classification_scheme.id"],
            name=op.f("fk_classification_marking_scheme_id_classification_scheme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classification_marking")),
        sa.UniqueConstraint(
            "scheme_id", "label", name=op.f("uq_classification_marking_scheme_id_label")
        ),
        sa.UniqueConstraint(
            "scheme_id", "rank", name=op.f("uq_classification_marking_scheme_id_rank")
        ),
    )
    op.create_table(
        "control_correspondence",
        sa.Column("control_2013_id", sa.Integer(), nullable=False),
        sa.Column("control_2022_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["control_2013_id"],
            ["control.id"],
            name=op.f("fk_control_correspondence_control_2013_id_control"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["control_2022_id"],
            ["control.id"],
            name=op.f("fk_control_correspondence_control_2022_id_control"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "control_2013_id", "control_2022_id", name=op.f("pk_control_correspondence")
        ),
    )
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("sheet", sa.String(length=100), nullable=True),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("undo", sa.JSON(), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_import_batch_department_id_department"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    op.create_table(
        "mapping_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("header_signature", sa.String(length=64), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_mapping_profile_department_id_department"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mapping_profile")),
        sa.UniqueConstraint("kind", "name", name=op.f("uq_mapping_profile_kind_name")),
    )
    with op.batch_alter_table("mapping_profile", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mapping_profile_header_signature"), ["header_signature"], unique=False
        )

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("job_title", sa.String(length=200), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=100), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_person_department_id_department")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("email", name=op.f("uq_person_email")),
        sa.UniqueConstraint("username", name=op.f("uq_person_username")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_person_name"), ["name"], unique=False)

    op.create_table(
        "asset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column(
            "asset_type",
            sa.Enum(
                "information",
                "software",
                "hardware",
                "service",
                "people",
                "site",
                "supplier",
                name="asset_type",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("custodian_id", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("marking_id", sa.Integer(), nullable=True),
        sa.Column("confidentiality", sa.Integer(), nullable=True),
        sa.Column("integrity", sa.Integer(), nullable=True),
        sa.Column("availability", sa.Integer(), nullable=True),
        sa.Column("personal_data", sa.Boolean(), nullable=False),
        sa.Column("special_category", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "pending verification",
                "retired",
                name="asset_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "NOT special_category OR personal_data", name=op.f("ck_asset_special_is_personal")
        ),
        sa.CheckConstraint(
            "availability IS NULL OR (availability >= 1 AND availability <= 5)",
            name=op.f("ck_asset_availability_range"),
        ),
        sa.CheckConstraint(
            "confidentiality IS NULL OR (confidentiality >= 1 AND confidentiality <= 5)",
            name=op.f("ck_asset_confidentiality_range"),
        ),
        sa.CheckConstraint(
            "integrity IS NULL OR (integrity >= 1 AND integrity <= 5)",
            name=op.f("ck_asset_integrity_range"),
        ),
        sa.ForeignKeyConstraint(
            ["custodian_id"], ["person.id"], name=op.f("fk_asset_custodian_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_asset_department_id_department")
        ),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batch.id"],
            name=op.f("fk_asset_import_batch_id_import_batch"),
        ),
        sa.ForeignKeyConstraint(
            ["marking_id"],
            ["classification_marking.id"],
            name=op.f("fk_asset_marking_id_classification_marking"),
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"], name=op.f("fk_asset_owner_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset")),
        sa.UniqueConstraint("ref", name=op.f("uq_asset_ref")),
    )
    with op.batch_alter_table("asset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_asset_custodian_id"), ["custodian_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_asset_department_id"), ["department_id"], unique=False)
        batch_op.create_index(
            "ix_asset_department_status", ["department_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_asset_import_batch_id"), ["import_batch_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_asset_marking_id"), ["marking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_asset_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_asset_next_review"), ["next_review"], unique=False)
        batch_op.create_index(batch_op.f("ix_asset_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "file",
                "link",
                name="evidence_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("stored_name", sa.String(length=100), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("evidence_date", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("valid_days", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("provided_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'file' AND sha256 IS NOT NULL AND stored_name IS NOT NULL) OR (kind = 'link' AND url IS NOT NULL)",
            name=op.f("ck_evidence_file_or_link"),
        ),
        sa.CheckConstraint(
            "period_start IS NULL OR period_end IS NULL OR period_start <= period_end",
            name=op.f("ck_evidence_period_order"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_evidence_department_id_department")
        ),
        sa.ForeignKeyConstraint(
            ["provided_by_id"], ["person.id"], name=op.f("fk_evidence_provided_by_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
        sa.UniqueConstraint("ref", name=op.f("uq_evidence_ref")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_department_id"), ["department_id"], unique=False
        )

    op.create_table(
        "handling_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("min_marking_id", sa.Integer(), nullable=True),
        sa.Column(
            "stage",
            sa.Enum(
                "collected",
                "stored",
                "transferred",
                "shared",
                "retained",
                "disposed",
                name="handling_stage",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column(
            "channel",
            sa.Enum(
                "e-mail",
                "secure e-mail",
                "portal",
                "removable media",
                "courier",
                "paper",
                name="handling_channel",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("applies_to_personal_data", sa.Boolean(), nullable=False),
        sa.Column("applies_to_special_category", sa.Boolean(), nullable=False),
        sa.Column("required_safeguards", sa.JSON(), nullable=False),
        sa.Column("prohibited", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["min_marking_id"],
            ["classification_marking.id"],
            name=op.f("fk_handling_rule_min_marking_id_classification_marking"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handling_rule")),
        sa.UniqueConstraint("code", name=op.f("uq_handling_rule_code")),
    )
    op.create_table(
        "person_role",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "siro",
                "information asset owner",
                "risk owner",
                "smg member",
                "approver",
                "control owner",
                "administrator",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_person_role_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "role", name=op.f("pk_person_role")),
    )
    op.create_table(
        "review_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "in progress",
                "completed",
                "signed off",
                name="review_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("chair_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("signed_off_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_off_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chair_id"], ["person.id"], name=op.f("fk_review_meeting_chair_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["signed_off_by_id"],
            ["person.id"],
            name=op.f("fk_review_meeting_signed_off_by_id_person"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_meeting")),
        sa.UniqueConstraint("ref", name=op.f("uq_review_meeting_ref")),
    )
    with op.batch_alter_table("review_meeting", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_meeting_meeting_date"), ["meeting_date"], unique=False
        )

    op.create_table(
        "risk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("threat_id", sa.Integer(), nullable=True),
        sa.Column("vulnerability_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("affects", sa.String(length=3), nullable=False),
        sa.Column("criteria_id", sa.Integer(), nullable=True),
        sa.Column("inherent_likelihood", sa.Integer(), nullable=True),
        sa.Column("inherent_impact", sa.Integer(), nullable=True),
        sa.Column("existing_controls", sa.Text(), nullable=False),
        sa.Column("current_likelihood", sa.Integer(), nullable=True),
        sa.Column("current_impact", sa.Integer(), nullable=True),
        sa.Column(
            "treatment_option",
            sa.Enum(
                "modify",
                "retain",
                "avoid",
                "share",
                name="treatment_option",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("treatment_note", sa.Text(), nullable=False),
        sa.Column("residual_likelihood", sa.Integer(), nullable=True),
        sa.Column("residual_impact", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "identified",
                "assessed",
                "in treatment",
                "accepted",
                "closed",
                "retired",
                name="risk_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("review_override_reason", sa.Text(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "current_impact IS NULL OR current_impact >= 1",
            name=op.f("ck_risk_current_impact_positive"),
        ),
        sa.CheckConstraint(
            "current_likelihood IS NULL OR current_likelihood >= 1",
            name=op.f("ck_risk_current_likelihood_positive"),
        ),
        sa.CheckConstraint(
            "inherent_impact IS NULL OR inherent_impact >= 1",
            name=op.f("ck_risk_inherent_impact_positive"),
        ),
        sa.CheckConstraint(
            "inherent_likelihood IS NULL OR inherent_likelihood >= 1",
            name=op.f("ck_risk_inherent_likelihood_positive"),
        ),
        sa.CheckConstraint(
            "residual_impact IS NULL OR residual_impact >= 1",
            name=op.f("ck_risk_residual_impact_positive"),
        ),
        sa.CheckConstraint(
            "residual_likelihood IS NULL OR residual_likelihood >= 1",
            name=op.f("ck_risk_residual_likelihood_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["criteria_id"], ["risk_criteria.id"], name=op.f("fk_risk_criteria_id_risk_criteria")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_risk_department_id_department")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["person.id"], name=op.f("fk_risk_owner_id_person")),
        sa.ForeignKeyConstraint(
            ["threat_id"], ["threat.id"], name=op.f("fk_risk_threat_id_threat")
        ),
        sa.ForeignKeyConstraint(
            ["vulnerability_id"],
            ["vulnerability.id"],
            name=op.f("fk_risk_vulnerability_id_vulnerability"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk")),
        sa.UniqueConstraint("ref", name=op.f("uq_risk_ref")),
    )
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_department_id"), ["department_id"], unique=False)
        batch_op.create_index(
            "ix_risk_department_status", ["department_id", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_risk_next_review"), ["next_review"], unique=False)
        batch_op.create_index(batch_op.f("ix_risk_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_risk_title"), ["title"], unique=False)

    op.create_table(
        "soa_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.Column(
            "applicability",
            sa.Enum(
                "applicable",
                "excluded",
                "provided by a third party",
                name="applicability",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("inclusion_note", sa.Text(), nullable=False),
        sa.Column("exclusion_justification", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column(
            "implementation_status",
            sa.Enum(
                "implemented",
                "partially implemented",
                "planned",
                "not implemented",
                name="implementation_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("implementation", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("last_review", sa.Date(), nullable=True),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["control_id"], ["control.id"], name=op.f("fk_soa_entry_control_id_control")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["person.id"], name=op.f("fk_soa_entry_decided_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_soa_entry_department_id_department")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["person.id"], name=op.f("fk_soa_entry_owner_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_soa_entry")),
        sa.UniqueConstraint(
            "department_id", "control_id", name=op.f("uq_soa_entry_department_id_control_id")
        ),
    )
    with op.batch_alter_table("soa_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_soa_entry_control_id"), ["control_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_soa_entry_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_soa_entry_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "soa_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["person.id"], name=op.f("fk_soa_version_approved_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_soa_version_department_id_department"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_soa_version")),
        sa.UniqueConstraint(
            "department_id", "number", name=op.f("uq_soa_version_department_id_number")
        ),
    )
    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "risk review due",
                "risk above appetite",
                "acceptance expiring",
                "treatment action overdue",
                "asset new or changed",
                "asset pending verification",
                "asset without owner or classification",
                "owner attestation due",
                "handling-rule finding",
                "exclusion without justification",
                "evidence missing or stale",
                "action from previous meeting",
                "management review input",
                name="agenda_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("subject_table", sa.String(length=40), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["review_meeting.id"],
            name=op.f("fk_agenda_item_meeting_id_review_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
        sa.UniqueConstraint(
            "meeting_id", "position", name=op.f("uq_agenda_item_meeting_id_position")
        ),
    )
    op.create_table(
        "asset_dependency",
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("depends_on_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("asset_id <> depends_on_id", name=op.f("ck_asset_dependency_not_self")),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["asset.id"],
            name=op.f("fk_asset_dependency_asset_id_asset"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["depends_on_id"],
            ["asset.id"],
            name=op.f("fk_asset_dependency_depends_on_id_asset"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("asset_id", "depends_on_id", name=op.f("pk_asset_dependency")),
    )
    op.create_table(
        "evidence_control",
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["control_id"], ["control.id"], name=op.f("fk_evidence_control_control_id_control")
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence.id"],
            name=op.f("fk_evidence_control_evidence_id_evidence"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("evidence_id", "control_id", name=op.f("pk_evidence_control")),
    )
    with op.batch_alter_table("evidence_control", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_control_control_id"), ["control_id"], unique=False
        )

    op.create_table(
        "evidence_risk",
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence.id"],
            name=op.f("fk_evidence_risk_evidence_id_evidence"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["risk_id"], ["risk.id"], name=op.f("fk_evidence_risk_risk_id_risk"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("evidence_id", "risk_id", name=op.f("pk_evidence_risk")),
    )
    with op.batch_alter_table("evidence_risk", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_risk_risk_id"), ["risk_id"], unique=False)

    op.create_table(
        "handling_practice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "collected",
                "stored",
                "transferred",
                "shared",
                "retained",
                "disposed",
                name="handling_stage",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "channel",
            sa.Enum(
                "e-mail",
                "secure e-mail",
                "portal",
                "removable media",
                "courier",
                "paper",
                name="handling_channel",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("safeguards", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("third_party", sa.String(length=200), nullable=False),
        sa.Column("has_agreement", sa.Boolean(), nullable=True),
        sa.Column("retention_months", sa.Integer(), nullable=True),
        sa.Column("offshore", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "retention_months IS NULL OR retention_months >= 0",
            name=op.f("ck_handling_practice_retention_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["asset.id"],
            name=op.f("fk_handling_practice_asset_id_asset"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handling_practice")),
    )
    with op.batch_alter_table("handling_practice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_handling_practice_asset_id"), ["asset_id"], unique=False
        )

    op.create_table(
        "review_attendee",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.String(length=100), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["review_meeting.id"],
            name=op.f("fk_review_attendee_meeting_id_review_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_review_attendee_person_id_person")
        ),
        sa.PrimaryKeyConstraint("meeting_id", "person_id", name=op.f("pk_review_attendee")),
    )
    op.create_table(
        "review_scope",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_review_scope_department_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["review_meeting.id"],
            name=op.f("fk_review_scope_meeting_id_review_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "department_id", name=op.f("pk_review_scope")),
    )
    op.create_table(
        "risk_acceptance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("accepted_by_id", sa.Integer(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"], ["person.id"], name=op.f("fk_risk_acceptance_accepted_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["person.id"], name=op.f("fk_risk_acceptance_approved_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["risk_id"],
            ["risk.id"],
            name=op.f("fk_risk_acceptance_risk_id_risk"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_acceptance")),
    )
    with op.batch_alter_table("risk_acceptance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_acceptance_risk_id"), ["risk_id"], unique=False)

    op.create_table(
        "risk_asset",
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["asset.id"],
            name=op.f("fk_risk_asset_asset_id_asset"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["risk_id"], ["risk.id"], name=op.f("fk_risk_asset_risk_id_risk"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("risk_id", "asset_id", name=op.f("pk_risk_asset")),
    )
    with op.batch_alter_table("risk_asset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_asset_asset_id"), ["asset_id"], unique=False)

    op.create_table(
        "risk_control",
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["control_id"], ["control.id"], name=op.f("fk_risk_control_control_id_control")
        ),
        sa.ForeignKeyConstraint(
            ["risk_id"], ["risk.id"], name=op.f("fk_risk_control_risk_id_risk"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("risk_id", "control_id", name=op.f("pk_risk_control")),
    )
    with op.batch_alter_table("risk_control", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risk_control_control_id"), ["control_id"], unique=False
        )

    op.create_table(
        "treatment_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "in progress",
                "done",
                "cancelled",
                name="action_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("control_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["control_id"], ["control.id"], name=op.f("fk_treatment_action_control_id_control")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["person.id"], name=op.f("fk_treatment_action_owner_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["risk_id"],
            ["risk.id"],
            name=op.f("fk_treatment_action_risk_id_risk"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_action")),
    )
    with op.batch_alter_table("treatment_action", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_treatment_action_due_date"), ["due_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_treatment_action_owner_id"), ["owner_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_treatment_action_risk_id"), ["risk_id"], unique=False)

    op.create_table(
        "review_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "in progress",
                "done",
                "cancelled",
                name="action_status",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("closed_in_meeting_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_review_action_agenda_item_id_agenda_item"),
        ),
        sa.ForeignKeyConstraint(
            ["closed_in_meeting_id"],
            ["review_meeting.id"],
            name=op.f("fk_review_action_closed_in_meeting_id_review_meeting"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["review_meeting.id"],
            name=op.f("fk_review_action_meeting_id_review_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["person.id"], name=op.f("fk_review_action_owner_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_action")),
    )
    op.create_table(
        "review_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "re-score",
                "accept until next review",
                "add treatment action",
                "close treatment action",
                "change owner",
                "escalate to SIRO",
                "retire",
                "defer",
                "noted",
                "close",
                name="decision_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_item.id"],
            name=op.f("fk_review_decision_agenda_item_id_agenda_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_decision")),
        sa.UniqueConstraint("agenda_item_id", name=op.f("uq_review_decision_agenda_item_id")),
    )


def downgrade() -> None:
    op.drop_table("review_decision")
    op.drop_table("review_action")
    with op.batch_alter_table("treatment_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_treatment_action_risk_id"))
        batch_op.drop_index(batch_op.f("ix_treatment_action_owner_id"))
        batch_op.drop_index(batch_op.f("ix_treatment_action_due_date"))

    op.drop_table("treatment_action")
    with op.batch_alter_table("risk_control", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_control_control_id"))

    op.drop_table("risk_control")
    with op.batch_alter_table("risk_asset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_asset_asset_id"))

    op.drop_table("risk_asset")
    with op.batch_alter_table("risk_acceptance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_acceptance_risk_id"))

    op.drop_table("risk_acceptance")
    op.drop_table("review_scope")
    op.drop_table("review_attendee")
    with op.batch_alter_table("handling_practice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handling_practice_asset_id"))

    op.drop_table("handling_practice")
    with op.batch_alter_table("evidence_risk", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_risk_risk_id"))

    op.drop_table("evidence_risk")
    with op.batch_alter_table("evidence_control", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_control_control_id"))

    op.drop_table("evidence_control")
    op.drop_table("asset_dependency")
    op.drop_table("agenda_item")
    op.drop_table("soa_version")
    with op.batch_alter_table("soa_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_soa_entry_owner_id"))
        batch_op.drop_index(batch_op.f("ix_soa_entry_department_id"))
        batch_op.drop_index(batch_op.f("ix_soa_entry_control_id"))

    op.drop_table("soa_entry")
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_title"))
        batch_op.drop_index(batch_op.f("ix_risk_owner_id"))
        batch_op.drop_index(batch_op.f("ix_risk_next_review"))
        batch_op.drop_index("ix_risk_department_status")
        batch_op.drop_index(batch_op.f("ix_risk_department_id"))

    op.drop_table("risk")
    with op.batch_alter_table("review_meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_meeting_meeting_date"))

    op.drop_table("review_meeting")
    op.drop_table("person_role")
    op.drop_table("handling_rule")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_department_id"))

    op.drop_table("evidence")
    with op.batch_alter_table("asset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asset_owner_id"))
        batch_op.drop_index(batch_op.f("ix_asset_next_review"))
        batch_op.drop_index(batch_op.f("ix_asset_name"))
        batch_op.drop_index(batch_op.f("ix_asset_marking_id"))
        batch_op.drop_index(batch_op.f("ix_asset_import_batch_id"))
        batch_op.drop_index("ix_asset_department_status")
        batch_op.drop_index(batch_op.f("ix_asset_department_id"))
        batch_op.drop_index(batch_op.f("ix_asset_custodian_id"))

    op.drop_table("asset")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_name"))
        batch_op.drop_index(batch_op.f("ix_person_department_id"))

    op.drop_table("person")
    with op.batch_alter_table("mapping_profile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mapping_profile_header_signature"))

    op.drop_table("mapping_profile")
    op.drop_table("import_batch")
    op.drop_table("control_correspondence")
    op.drop_table("classification_marking")
    op.drop_table("vulnerability")
    op.drop_table("threat")
    op.drop_table("risk_criteria")
    op.drop_table("register_setting")
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_department_parent_id"))

    op.drop_table("department")
    with op.batch_alter_table("control", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_control_sort_key"))

    op.drop_table("control")
    op.drop_table("classification_scheme")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index("ix_change_log_record")
        batch_op.drop_index(batch_op.f("ix_change_log_at"))

    op.drop_table("change_log")
