"""The locust side of the load benchmark: `python -m bench.load_driver --spec FILE --out FILE` (started by
`bench/load.py`, which also starts the server). Locust runs as a library, headless, in this process only (it
patches the standard library for gevent on import, so nothing else runs here).

Users (fixed counts, 50 in all): member contacts (contract folder, invoice list and detail, showback), staff
(organisation search, order inbox) and committee members (the live tally of a vote, polled like the page does,
and the agenda item). Each logs in once (session cookie). The timed window opens when every user is logged in:
then every request is recorded (name, latency, error) until the time or request bound is reached.
"""

import argparse
import json
import os
import random
import re
import sys
import time
from pathlib import Path
from typing import Any, ClassVar

import gevent
from locust import HttpUser, between, constant, events, task
from locust.env import Environment

SEARCH_TERMS = ["berg", "dorf", "stadt", "hausen", "Münster", "bach", "feld", "Neu", "heim", "burg", "kirchen", "a"]
INVOICE_LINK = re.compile(r"/abrechnung/rechnungen/(\d+)/")
TALLY_POLL_SECONDS = 3  # verbund.governance.views.common.POLL_SECONDS

SPEC: dict[str, Any] = {}
RECORDS: list[tuple[str, float, bool]] = []  # (name, seconds, failed) inside the timed window
ERRORS: dict[str, int] = {}  # error message → count, inside the timed window
STATE: dict[str, Any] = {"measuring": False, "logged_in": 0, "login_failures": 0, "login_times": []}


def _on_request(request_type: str, name: str, response_time: float, exception: Any, **_kw: Any) -> None:
    if STATE["measuring"] and name != "login":
        RECORDS.append((name, response_time / 1000, exception is not None))
        if exception is not None:
            message = f"{name}: {exception}"[:200]
            ERRORS[message] = ERRORS.get(message, 0) + 1


class _Base(HttpUser):
    abstract = True
    logins: ClassVar[list[dict[str, Any]]] = []
    login: dict[str, Any]

    def on_start(self) -> None:
        self.login = type(self).logins.pop(0)
        self.client.get("/accounts/anmelden/", name="login")
        token = self.client.cookies.get("csrftoken", "")
        started = time.perf_counter()
        with self.client.post(
            "/accounts/anmelden/",
            data={"username": self.login["username"], "password": SPEC["password"], "csrfmiddlewaretoken": token},
            name="login",
            catch_response=True,
        ) as response:
            STATE["login_times"].append(time.perf_counter() - started)
            if "sessionid" not in self.client.cookies or "/accounts/anmelden/" in response.url:
                STATE["login_failures"] += 1
                response.failure(f"login of {self.login['username']} failed")
            else:
                response.success()
        self.after_login()
        STATE["logged_in"] += 1

    def after_login(self) -> None:
        pass

    def page(self, url: str, name: str, **kwargs: Any) -> Any:
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False, **kwargs) as response:
            if response.status_code != 200:
                response.failure(f"{url}: HTTP {response.status_code}")
            return response


class MemberContact(_Base):
    """Reads its contract folder, its invoices and the showback of the approved plan."""

    wait_time = between(1, 5)
    invoice_ids: list[int]

    def after_login(self) -> None:
        response = self.page("/abrechnung/rechnungen/", "member: invoice list")
        self.invoice_ids = sorted({int(i) for i in INVOICE_LINK.findall(response.text or "")})

    @task(3)
    def contract_folder(self) -> None:
        self.page(f"/vertragsmappe/{self.login['member_id']}/", "member: contract folder")

    @task(2)
    def invoice_list(self) -> None:
        self.page("/abrechnung/rechnungen/", "member: invoice list")

    @task(2)
    def invoice_detail(self) -> None:
        if self.invoice_ids:
            self.page(f"/abrechnung/rechnungen/{random.choice(self.invoice_ids)}/", "member: invoice detail")

    @task(2)
    def showback(self) -> None:
        self.page(f"/kostenrechnung/{SPEC['plan_id']}/entgelte/{self.login['member_id']}/", "member: showback")


class Staff(_Base):
    """Searches organisations and works through the order inbox."""

    wait_time = between(1, 5)

    @task(3)
    def search(self) -> None:
        self.page(f"/organisationen/?q={random.choice(SEARCH_TERMS)}", "staff: organisation search")

    @task(2)
    def inbox(self) -> None:
        self.page("/bestellungen/", "staff: order inbox")

    @task(1)
    def inbox_page(self) -> None:
        self.page(f"/bestellungen/?page={random.randint(2, 10)}", "staff: order inbox")


class CommitteeMember(_Base):
    """Follows a vote: the tally fragment is polled every 3 seconds (htmx), now and then the whole item page."""

    wait_time = constant(TALLY_POLL_SECONDS)

    @task(5)
    def tally(self) -> None:
        self.page(f"/gremien/top/{SPEC['item_id']}/abstimmung/", "committee: tally", headers={"HX-Request": "true"})

    @task(1)
    def item(self) -> None:
        self.page(f"/gremien/top/{SPEC['item_id']}/", "committee: agenda item")


def run(spec: dict[str, Any]) -> dict[str, Any]:
    SPEC.update(spec)
    MemberContact.logins = list(spec["logins"]["member"])
    Staff.logins = list(spec["logins"]["staff"])
    CommitteeMember.logins = list(spec["logins"]["committee"])
    MemberContact.fixed_count = len(MemberContact.logins)
    Staff.fixed_count = len(Staff.logins)
    CommitteeMember.fixed_count = len(CommitteeMember.logins)
    users = MemberContact.fixed_count + Staff.fixed_count + CommitteeMember.fixed_count
    events.request.add_listener(_on_request)
    env = Environment(user_classes=[MemberContact, Staff, CommitteeMember], host=spec["host"], events=events)
    runner = env.create_local_runner()
    started = time.perf_counter()
    runner.start(users, spawn_rate=spec["spawn_rate"])
    while STATE["logged_in"] + STATE["login_failures"] < users:
        if time.perf_counter() - started > spec["login_timeout"]:
            runner.quit()
            raise RuntimeError(f"only {STATE['logged_in']} of {users} users logged in")
        gevent.sleep(0.2)
    ramp_s = time.perf_counter() - started
    gevent.sleep(spec["warmup"])  # the queue of first requests after the logins drains; not measured
    load_before = os.getloadavg()
    STATE["measuring"] = True
    window_start = time.perf_counter()
    while time.perf_counter() - window_start < spec["duration"] and len(RECORDS) < spec["max_requests"]:
        gevent.sleep(0.2)
    STATE["measuring"] = False
    window_s = time.perf_counter() - window_start
    load_after = os.getloadavg()
    runner.quit()
    return {
        "users": users,
        "ramp_up_time": ramp_s,
        "warmup": spec["warmup"],
        "window": window_s,
        "load_average_1min": {"before": load_before[0], "after": load_after[0]},
        "error_messages": ERRORS,
        "records": RECORDS,
        "login_times": STATE["login_times"],
        "login_failures": STATE["login_failures"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load_driver", description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    result = run(json.loads(args.spec.read_text(encoding="utf-8")))
    args.out.write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
