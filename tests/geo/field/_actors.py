"""Actors of the field test city's accounts, as the API would make them."""

from sqlalchemy import select

from geo.access.actor import actor_for
from geo.core.models import User


def actor(session, username: str):
    return actor_for(session, session.scalar(select(User).where(User.username == username)))
