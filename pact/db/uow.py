"""Unit of work: one per user action. Commit explicitly; anything else rolls back."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session], actor: object | None = None):
        """``actor``: who acts (the logged-in user); kept in ``session.info`` for the
        audit log (pact.services.audit), which records what this session writes."""
        self._factory = session_factory
        self._actor = actor
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside 'with'")
        return self._session

    def __enter__(self) -> UnitOfWork:
        self._session = self._factory()
        if self._actor is not None:
            self._session.info["actor"] = self._actor
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            self._session.rollback()
        finally:
            self._session.close()
            self._session = None

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
