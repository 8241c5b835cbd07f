"""The store's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import (
    Column, Float, Index, Integer, LargeBinary, MetaData, PrimaryKeyConstraint, String, Table, Text,
)

metadata = MetaData()

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

schema_migrations = Table(
    "schema_migrations", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String(128), nullable=False),
    Column("applied_at", String(32), nullable=False),
)

bases = Table(
    "bases", metadata,
    Column("name", String(64), primary_key=True),
    Column("title", Text, nullable=False, default=""),
    Column("created_at", String(32), nullable=False),
)

# The current version of every unit: what is answered from.
units = Table(
    "units", metadata,
    Column("base", String(64), nullable=False),
    Column("id", String(128), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("process", Text, nullable=False, default=""),
    Column("content_hash", String(64), nullable=False),
    Column("payload", Text, nullable=False),  # the unit as JSON
    Column("source_file", Text, nullable=False, default=""),
    Column("source_line", Integer, nullable=False, default=0),
    Column("origin", Text, nullable=False, default=""),  # folder it was imported from
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    # An engineer's edit of an approved unit waits here (a version in unit_versions)
    # while the approved version above stays live; see migration 4.
    Column("pending_version", Integer, nullable=True),
    # The unit's content hash as its folder had it at the last import (migration 5): a
    # stored version that differs was made outside the folder since, and a re-import
    # must not silently overwrite it.
    Column("import_hash", String(64), nullable=True),
    PrimaryKeyConstraint("base", "id"),
    Index("ix_units_base_kind_status", "base", "kind", "status"),
)

# Every version ever stored, so history is never lost.
unit_versions = Table(
    "unit_versions", metadata,
    Column("base", String(64), nullable=False),
    Column("id", String(128), nullable=False),
    Column("version", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("changed_by", Text, nullable=False, default=""),
    Column("changed_at", String(32), nullable=False),
    Column("change", String(32), nullable=False),
    Column("comment", Text, nullable=False, default=""),
    PrimaryKeyConstraint("base", "id", "version"),
)

audit = Table(
    "audit", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(32), nullable=False),
    Column("base", String(64), nullable=False, default=""),
    Column("target", Text, nullable=False, default=""),
    Column("version", Integer, nullable=True),
    Column("detail", Text, nullable=False, default=""),
    Index("ix_audit_base_at", "base", "at"),
)

# Questions the system could not answer, waiting for the master.
questions = Table(
    "questions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("base", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("key", Text, nullable=False),  # normalised text: the same question asked twice
    Column("askers", Integer, nullable=False, default=1),
    Column("first_asked", String(32), nullable=False),
    Column("last_asked", String(32), nullable=False),
    Column("status", String(16), nullable=False, default="open"),
    Column("reason", String(32), nullable=False, default="not_sure"),
    Column("related", Text, nullable=False, default="[]"),
    Column("answer_unit_id", String(128), nullable=True),
    Column("answered_by", Text, nullable=True),
    Column("answered_at", String(32), nullable=True),
    # Closed without an answer (migration 11): dismissed with a reason, or merged into
    # the question it duplicates (whose askers it joined).
    Column("closed_by", Text, nullable=True),
    Column("closed_at", String(32), nullable=True),
    Column("close_reason", Text, nullable=True),
    Column("merged_into", Integer, nullable=True),
    Index("ix_questions_base_key", "base", "key", unique=True),
)

# -- accounts (migration 3) ------------------------------------------------------------
users = Table(
    "users", metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("disabled", Integer, nullable=False, default=0),
    # A password someone else chose or saw (the first admin's, a reset's): changed at the
    # next login before anything else (migration 11).
    Column("must_change_password", Integer, nullable=False, default=0),
)

# Which knowledge bases a user may see (admins see every base).
memberships = Table(
    "memberships", metadata,
    Column("user", String(64), nullable=False),
    Column("base", String(64), nullable=False),
    PrimaryKeyConstraint("user", "base"),
)

# API tokens: only the sha256 of the token is kept; the token is shown once.
api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user", String(64), nullable=False),
    Column("name", Text, nullable=False, default=""),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", String(32), nullable=False),
    Column("last_used", String(32), nullable=True),
    Column("revoked", Integer, nullable=False, default=0),
)

# Web sessions: the cookie carries a signed random id; its sha256 is the key here, so
# several workers share sessions and logging out ends them everywhere.
sessions = Table(
    "sessions", metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user", String(64), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
)

# Failed logins per username+address: the delay grows with each failure.
login_attempts = Table(
    "login_attempts", metadata,
    Column("key", String(200), primary_key=True),
    Column("failures", Integer, nullable=False, default=0),
    Column("last_failure", String(32), nullable=False),
    Column("locked_until", String(32), nullable=False),
)

# Thumbs up/down on answers.
feedback = Table(
    "feedback", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("base", String(64), nullable=False),
    Column("question", Text, nullable=False),
    Column("key", Text, nullable=False, default=""),
    Column("helpful", Integer, nullable=False),
    Column("comment", Text, nullable=False, default=""),
    Column("user", String(64), nullable=False, default=""),
    Column("citations", Text, nullable=False, default="[]"),
    Column("at", String(32), nullable=False),
    Column("handled", Integer, nullable=False, default=0),
    Index("ix_feedback_base_helpful", "base", "helpful"),
)

# -- training: cards, learners' memory, reviews, tracks, exams (migration 7) -------------
# Cards made from units, keyed by unit id + version + slot (which card of the unit); the
# cards of older versions stay, so a learner can be shown what changed.
training_cards = Table(
    "training_cards", metadata,
    Column("base", String(64), nullable=False),
    Column("unit_id", String(128), nullable=False),
    Column("unit_version", Integer, nullable=False),
    Column("slot", String(32), nullable=False),
    Column("unit_kind", String(16), nullable=False),
    Column("process", Text, nullable=False, default=""),
    Column("fingerprint", String(40), nullable=False),  # what a learner must know
    Column("payload", Text, nullable=False),  # the card as JSON
    Column("current", Integer, nullable=False, default=1),
    Column("order_key", Text, nullable=False, default=""),  # learning order
    PrimaryKeyConstraint("base", "unit_id", "unit_version", "slot"),
    Index("ix_training_cards_order", "base", "current", "order_key"),
    Index("ix_training_cards_process", "base", "process", "current", "order_key"),
)

# One learner's memory of one card (FSRS), across the unit's versions.
training_state = Table(
    "training_state", metadata,
    Column("user", String(64), nullable=False),
    Column("base", String(64), nullable=False),
    Column("unit_id", String(128), nullable=False),
    Column("slot", String(32), nullable=False),
    Column("learned_version", Integer, nullable=False),
    # Set when the unit changed after he learned it: the card comes first, old -> new.
    Column("changed_from", Integer, nullable=True),
    Column("suspended", Integer, nullable=False, default=0),  # the unit was retired
    Column("state", Integer, nullable=False),
    Column("step", Integer, nullable=True),
    Column("stability", Float, nullable=True),
    Column("difficulty", Float, nullable=True),
    Column("due", String(32), nullable=False),
    Column("last_review", String(32), nullable=True),
    Column("reps", Integer, nullable=False, default=0),
    Column("lapses", Integer, nullable=False, default=0),
    Column("first_seen", String(32), nullable=False),
    PrimaryKeyConstraint("user", "base", "unit_id", "slot"),
    Index("ix_training_state_due", "user", "base", "suspended", "due"),
    # Today's queue reads a learner's changed cards and today's new ones by range.
    Index("ix_training_state_changed", "user", "base", "suspended", "changed_from"),
    Index("ix_training_state_first_seen", "user", "base", "first_seen"),
    Index("ix_training_state_unit", "base", "unit_id", "slot"),
)

# Every answer, so a schedule can be replayed or refitted.
training_reviews = Table(
    "training_reviews", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user", String(64), nullable=False),
    Column("base", String(64), nullable=False),
    Column("unit_id", String(128), nullable=False),
    Column("slot", String(32), nullable=False),
    Column("unit_version", Integer, nullable=False),
    Column("rating", Integer, nullable=False),
    Column("correct", Integer, nullable=True),  # None for self-graded cards
    Column("response", Text, nullable=False, default=""),
    Column("at", String(32), nullable=False),
    Column("duration_ms", Integer, nullable=True),
    Index("ix_training_reviews_card", "user", "base", "unit_id", "slot"),
    Index("ix_training_reviews_unit", "base", "unit_id"),
)

# What the master wants a role or a person to know, and how the exams are set.
training_tracks = Table(
    "training_tracks", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("base", String(64), nullable=False),
    Column("name", Text, nullable=False),
    Column("processes", Text, nullable=False, default="[]"),
    Column("units", Text, nullable=False, default="[]"),  # must-know unit ids
    Column("assignees", Text, nullable=False, default="[]"),  # "role:apprentice", "user:xiao"
    Column("new_per_day", Integer, nullable=False, default=20),
    Column("exam_size", Integer, nullable=False, default=10),
    Column("pass_mark", Float, nullable=False, default=0.8),
    Column("time_limit_min", Integer, nullable=False, default=20),
    Column("updated_by", String(64), nullable=False, default=""),
    Column("updated_at", String(32), nullable=False),
    Index("ix_training_tracks_base", "base"),
)

# Qualification exams (上岗考核) with the knowledge versions they covered.
training_exams = Table(
    "training_exams", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("base", String(64), nullable=False),
    Column("user", String(64), nullable=False),
    Column("process", Text, nullable=False),
    Column("questions", Text, nullable=False),  # the cards as asked (JSON)
    Column("versions", Text, nullable=False),  # {unit id: version}
    Column("pass_mark", Float, nullable=False),
    Column("started_at", String(32), nullable=False),
    Column("deadline", String(32), nullable=False),
    Column("finished_at", String(32), nullable=True),
    Column("correct", Integer, nullable=True),
    Column("total", Integer, nullable=False),
    Column("score", Float, nullable=True),
    Column("passed", Integer, nullable=True),
    Column("answers", Text, nullable=False, default="[]"),  # each question's verdict
    Index("ix_training_exams_user", "user", "base"),
    Index("ix_training_exams_base", "base", "finished_at"),
)

# The store change counter the cards were last made at, per base.
training_sync = Table(
    "training_sync", metadata,
    Column("base", String(64), primary_key=True),
    Column("store_version", Integer, nullable=False),
    Column("synced_at", String(32), nullable=False),
)

# Sentence vectors for semantic search (migration 10), keyed by the sha1 of the text
# embedded: shared by every base and every worker, so a text is embedded once.
embeddings = Table(
    "embeddings", metadata,
    Column("model", String(64), nullable=False),
    Column("text_hash", String(40), nullable=False),
    Column("vector", LargeBinary, nullable=False),  # float16, little-endian
    PrimaryKeyConstraint("model", "text_hash"),
)

# Sentences of generated answers the checker dropped (migration 8): what the model wrote,
# why it was refused, and the unit versions it was held to, for the master to read.
llm_rejections = Table(
    "llm_rejections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("base", String(64), nullable=False),
    Column("at", String(32), nullable=False),
    Column("model", Text, nullable=False, default=""),
    Column("question", Text, nullable=False),
    Column("sentence", Text, nullable=False),
    Column("findings", Text, nullable=False, default="[]"),  # [{code, detail}]
    Column("units", Text, nullable=False, default="[]"),  # ["id@version", …] sent to the model
    Column("fell_back", Integer, nullable=False, default=0),
    Index("ix_llm_rejections_base_at", "base", "at"),
)
