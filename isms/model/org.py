"""The council: departments as a tree, and the people who own, assess and approve."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamped, Versioned, str_enum
from .enums import AccreditationStatus, Role


class Department(Versioned, Timestamped, Base):
    """A council department or service; ``parent`` makes the tree (council -> team)."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    in_scope: Mapped[bool] = mapped_column(default=True)
    accreditation_status: Mapped[AccreditationStatus] = mapped_column(
        str_enum(AccreditationStatus, "accreditation_status"),
        default=AccreditationStatus.NOT_STARTED,
    )
    description: Mapped[str] = mapped_column(Text, default="")

    parent: Mapped[Department | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Department]] = relationship(back_populates="parent")
    people: Mapped[list[Person]] = relationship(back_populates="department")

    def audit_label(self) -> str:
        return f"department {self.code}"


class Person(Versioned, Timestamped, Base):
    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    job_title: Mapped[str] = mapped_column(String(200), default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    #: Login name (OS user on SQLite, database role on PostgreSQL) for role checks.
    username: Mapped[str | None] = mapped_column(String(100), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    #: False for a person an import created from a name in a file (an owner given as a job
    #: title...): someone should confirm who they are.
    verified: Mapped[bool] = mapped_column(default=True, server_default=true())

    department: Mapped[Department | None] = relationship(back_populates="people")
    role_rows: Mapped[list[PersonRole]] = relationship(
        cascade="all, delete-orphan", back_populates="person"
    )
    #: The departments whose records this person may change; none = every department.
    department_limits: Mapped[list[PersonDepartment]] = relationship(
        cascade="all, delete-orphan", back_populates="person"
    )

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    def add_role(self, role: Role) -> None:
        if role not in self.roles:
            self.role_rows.append(PersonRole(role=role))

    def audit_label(self) -> str:
        return f"person {self.name}"


class PersonRole(Base):
    """One role a person holds; a person may hold several."""

    __tablename__ = "person_role"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"), primary_key=True)

    person: Mapped[Person] = relationship(back_populates="role_rows")

    def audit_label(self) -> str:
        return f"role {self.role} of person {self.person_id}"


class PersonDepartment(Base):
    """One department a person's changes are limited to (no rows: the whole council)."""

    __tablename__ = "person_department"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    person: Mapped[Person] = relationship(back_populates="department_limits")
    department: Mapped[Department] = relationship()

    def audit_label(self) -> str:
        return f"department limit {self.department_id} of person {self.person_id}"
