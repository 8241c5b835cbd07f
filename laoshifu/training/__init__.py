"""带徒弟: teaching apprentices from the master's units.

cards (from units) → grading → schedule (FSRS) → study (today's queue, answers);
sync keeps cards in step with the knowledge and re-teaches changed ones; tracks,
exams and progress are the master's side.
"""

from .cards import Card, build_cards, cards_for
from .exams import Exam, certificate, get_exam, list_exams, start_exam, submit_exam
from .grading import Verdict, grade
from .progress import Progress, learner_progress, most_missed, overview
from .study import Queue, QueueItem, answer, today_queue
from .sync import SyncReport, sync_cards
from .tracks import Track, list_tracks, save_track, scope_for

__all__ = [
    "Card",
    "Exam",
    "Progress",
    "Queue",
    "QueueItem",
    "SyncReport",
    "Track",
    "Verdict",
    "answer",
    "build_cards",
    "cards_for",
    "certificate",
    "get_exam",
    "grade",
    "learner_progress",
    "list_exams",
    "list_tracks",
    "most_missed",
    "overview",
    "save_track",
    "scope_for",
    "start_exam",
    "submit_exam",
    "sync_cards",
    "today_queue",
]
