"""Kartlegging: questionnaire results (AUDIT, DUDIT), mental-health screening, somatic health checks, the overall
situation, minor children (hpl § 10 a), and the person declining a kind of mapping (DOMAIN.md §5.4 ROP-01..04,
ROP-15, §6, §11).

Each is a dated record: a new record is made when the person is mapped again, and the latest one on a day is the
current one, so the history shows when the person was mapped and by whom. Only the children record changes after
it is made (the children's needs are assessed later); it carries a version.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from helhet.db import Base
from helhet.mapping.instruments import BandCode


class MappingArea(StrEnum):
    """What a declined mapping is about: one area per gap check."""

    SUBSTANCE_USE = "substance_use"  # ROP-01
    MENTAL_HEALTH = "mental_health"  # ROP-02
    SOMATIC = "somatic"  # ROP-03
    SITUATION = "situation"  # ROP-04


class QuestionnaireResult(Base):
    """One AUDIT or DUDIT answered item by item. Total, band and positive are computed by
    ``mapping.instruments.score`` when it is recorded; ``answers`` keeps each item's score (keys are item numbers
    as text), so the result can be scored again without trusting the stored total."""

    __tablename__ = "mapping_questionnaire"
    __table_args__ = (Index("ix_mapping_questionnaire_person", "person_id", "instrument", "done_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    instrument: Mapped[str] = mapped_column(String(20))  # "AUDIT" or "DUDIT"
    answers: Mapped[dict[str, Any]]
    total: Mapped[int]
    band: Mapped[BandCode]
    positive: Mapped[bool]
    scored_with_sex: Mapped[str | None] = mapped_column(String(10))  # None: sex unknown (DUDIT's lower cut-off)
    done_on: Mapped[date]
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    done_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class ScreeningStatus(StrEnum):
    NOT_SCREENED = "not_screened"
    SCREENED_NO_FINDINGS = "screened_no_findings"
    SCREENED_FINDINGS_REFERRED = "screened_findings_referred"  # findings, referred for assessment
    SCREENED_FINDINGS_FOLLOWED_UP = "screened_findings_followed_up"  # findings, followed up here
    DIAGNOSED = "diagnosed"  # a diagnostic assessment was made


#: statuses that count as "mental health mapped" for ROP-02
SCREENED = frozenset(set(ScreeningStatus) - {ScreeningStatus.NOT_SCREENED})


class MentalHealthScreening(Base):
    __tablename__ = "mapping_mental_health"
    __table_args__ = (Index("ix_mapping_mental_health_person", "person_id", "screened_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    status: Mapped[ScreeningStatus]
    instrument: Mapped[str | None] = mapped_column(String(120))  # free text: "SCL-10", "ROP-Screen", "MINI"
    screened_on: Mapped[date]
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class Examiner(StrEnum):
    """Who did the somatic health check."""

    GP = "gp"  # fastlege
    MUNICIPAL_DOCTOR = "municipal_doctor"  # e.g. the doctor of a low-threshold health service
    SPECIALIST_DOCTOR = "specialist_doctor"  # doctor in TSB or hospital
    NURSE = "nurse"  # a nurse, with a doctor responsible


class SomaticCheck(Base):
    """A somatic health check (ROP-03). When findings need following up, a ``SOMATIC_FOLLOW_UP`` task with an owner
    (or explicitly in a unit's queue) is created with it and linked here."""

    __tablename__ = "mapping_somatic_check"
    __table_args__ = (Index("ix_mapping_somatic_person", "person_id", "checked_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    checked_on: Mapped[date]
    examiner: Mapped[Examiner]
    examiner_name: Mapped[str | None] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))  # the unit that records it
    findings: Mapped[str | None] = mapped_column(Text)
    injecting: Mapped[bool | None]  # None: not asked
    infection_status_checked: Mapped[bool] = mapped_column(default=False)  # HIV, hepatitis B and C
    follow_up_needed: Mapped[bool] = mapped_column(default=False)
    follow_up_task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"))
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class Income(StrEnum):
    WORK = "work"
    BENEFITS = "benefits"  # trygd: AAP, uføretrygd, sykepenger
    SOCIAL_ASSISTANCE = "social_assistance"  # økonomisk sosialhjelp (stjl § 18)
    PENSION = "pension"
    STUDENT = "student"  # lån og stipend
    NONE = "none"
    UNKNOWN = "unknown"


class Activity(StrEnum):
    WORK = "work"
    EDUCATION = "education"
    WORK_TRAINING = "work_training"  # arbeidstrening, tiltak via NAV
    DAY_ACTIVITY = "day_activity"  # dagsenter, aktivitetstilbud
    NONE = "none"
    UNKNOWN = "unknown"


class Network(StrEnum):
    RELATIVES_AND_FRIENDS = "relatives_and_friends"
    RELATIVES = "relatives"
    FRIENDS = "friends"
    SUBSTANCE_MILIEU_ONLY = "substance_milieu_only"  # contact mostly with people who use
    NONE = "none"
    UNKNOWN = "unknown"


#: income that signals a financial problem, for NAV information and advice (ROP-14)
STRAINED_INCOME = frozenset({Income.SOCIAL_ASSISTANCE, Income.NONE})


class Situation(Base):
    """The overall situation (ROP-04). Housing is not copied here: it is the person's housing history
    (``Person.housing_on``), shown beside the record."""

    __tablename__ = "mapping_situation"
    __table_args__ = (Index("ix_mapping_situation_person", "person_id", "recorded_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    recorded_on: Mapped[date]
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    income: Mapped[Income]
    nav_contact: Mapped[bool | None]  # has a NAV contact (veileder); None: not known
    financial_problems: Mapped[bool | None]  # debt, arrears, no money for food or rent
    activity: Mapped[Activity]
    network: Mapped[Network]
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class ChildrenAnswer(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"  # asked, but the person could not say (search journal or register)
    DECLINED_TO_ANSWER = "declined_to_answer"


class ChildrenRecord(Base):
    """The duty to ask about minor children and to help meet their needs (hpl § 10 a, DOMAIN.md §6). Recorded in
    the person's (not the child's) journal; the children are counted, not named, here."""

    __tablename__ = "mapping_children"
    __table_args__ = (Index("ix_mapping_children_person", "person_id", "asked_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    asked_on: Mapped[date]
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    answer: Mapped[ChildrenAnswer]
    number_of_children: Mapped[int | None]
    living_with_person: Mapped[int | None]  # how many of them live with the person
    minor_siblings: Mapped[bool | None]  # minor siblings count too since 2018; None: not asked
    needs_assessed_on: Mapped[date | None]
    needs_assessed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    needs_note: Mapped[str | None] = mapped_column(Text)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"))  # CHILDREN task while not assessed
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def has_children(self) -> bool:
        return self.answer == ChildrenAnswer.YES

    @property
    def needs_assessed(self) -> bool:
        return self.needs_assessed_on is not None


class MappingDeclined(Base):
    """The person declined a kind of mapping (the exclusion the gap checks show). A later record of the same area
    supersedes it."""

    __tablename__ = "mapping_declined"
    __table_args__ = (Index("ix_mapping_declined_person", "person_id", "area", "declined_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    area: Mapped[MappingArea]
    declined_on: Mapped[date]
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
