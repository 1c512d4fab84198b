"""Persisted documents: GraphQL documents registered by the SHA-256 of their text, shared by every worker."""

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, CreatedAt


class PersistedDocument(Base):
    """One GraphQL document, keyed by the lower-case hex SHA-256 of its UTF-8 text (not a tenant's: the SPA's).

    `trusted`: registered by an operator (`csrgraph documents add`), so it runs when CSRGRAPH_DOCUMENTS=trusted;
    a document a client registered by automatic persisted queries (apq mode) is not.
    """

    __tablename__ = "persisted_documents"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(String(200))  # the operation's name, for `documents list`
    source: Mapped[str] = mapped_column(String(20))  # relay, apollo, graphql or apq: how it was registered
    trusted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[CreatedAt]
