"""Agents with tools, a team whose members have tools, and a workflow, on agno's own model classes.

No model points anywhere real: agno-check aims every model at its simulated LLM for the run. ``support`` uses
OpenAIResponses (agno's default class), ``chat_support`` OpenAIChat, the team's leader has no model at all
(agno's default); each is the same production-minded setup otherwise (SQLite, a timeout, retries).
"""

from __future__ import annotations

import traceback

from agno.agent import Agent
from agno.db.sqlite import SqliteDb
from agno.models.openai import OpenAIChat, OpenAIResponses
from agno.team import Team
from agno.tools import tool
from agno.workflow import Step, Workflow

from tests.agents.basic import SQLITE_FILE

DB = SqliteDb(db_file=str(SQLITE_FILE))
ORDERS = {"A-1": "shipped", "A-2": "packed"}
#: every call a tool really received, so tests can see that the tools ran
CALLS: list[tuple[str, dict]] = []


def lookup_order(order_id: str) -> str:
    """Look up the status of an order by its id."""
    CALLS.append(("lookup_order", {"order_id": order_id}))
    return f"Order {order_id}: {ORDERS.get(order_id, 'not found')}"


def refund_order(order_id: str, amount: float) -> str:
    """Refund an order (the database is down: this always raises)."""
    CALLS.append(("refund_order", {"order_id": order_id, "amount": amount}))
    raise ConnectionError("refunds database unreachable at db.internal:5432")


def leaky_lookup(order_id: str) -> str:
    """Look up an order; on failure it returns the traceback to the model (a planted flaw)."""
    try:
        raise KeyError(order_id)
    except KeyError:
        return traceback.format_exc()


@tool(requires_confirmation=True)
def cancel_order(order_id: str) -> str:
    """Cancel an order (asks the user first)."""
    return f"Order {order_id} cancelled"


def _responses() -> OpenAIResponses:
    return OpenAIResponses(id="gpt-4o", timeout=20.0, max_retries=2)


support = Agent(id="support", name="Support", model=_responses(), tools=[lookup_order, cancel_order], db=DB,
                instructions="Answer order questions.", telemetry=False)
chat_support = Agent(id="chat-support", name="Chat support", model=OpenAIChat(id="gpt-4o-mini", timeout=20.0),
                     tools=[lookup_order], db=DB, telemetry=False)
flaky = Agent(id="flaky", name="Flaky", model=_responses(), tools=[lookup_order, refund_order], db=DB,
              telemetry=False)
leaky = Agent(id="leaky", name="Leaky", model=_responses(), tools=[leaky_lookup], db=DB, telemetry=False)

orders_member = Agent(id="orders", name="Orders", role="Looks up orders", model=_responses(), tools=[lookup_order],
                      telemetry=False)
writer_member = Agent(id="writer", name="Writer", role="Writes the reply", telemetry=False)
team = Team(id="order-team", name="Order team", members=[orders_member, writer_member], db=DB, telemetry=False)

workflow = Workflow(id="order-flow", name="Order flow", db=DB, telemetry=False,
                    steps=[Step(name="lookup", agent=chat_support), Step(name="reply", team=team)])


def fetch_rates(currency: str) -> str:
    """Exchange rates from a web API (OUTSIDE_URL: the tests point it at an address made "outside")."""
    import os

    import httpx

    CALLS.append(("fetch_rates", {"currency": currency}))
    return httpx.get(f"{os.environ.get('OUTSIDE_URL', 'http://127.0.0.2:9')}/rates/{currency}", timeout=5).text


online = Agent(id="online", name="Online", model=_responses(), tools=[lookup_order, fetch_rates], db=DB,
               telemetry=False)
