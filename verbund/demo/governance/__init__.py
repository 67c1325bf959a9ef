"""The demo committees of citeq, with a held and an upcoming meeting of the Zentralausschuss. Idempotent: a
second run creates nothing (no rows, no audit events).

Committees (body: the provider citeq). The agreement (seed 001) names a Zentralausschuss of the chief
administrative officers (Hauptverwaltungsbeamte) of the partners, which decides on the IT concept, the product
catalogue, the accession of new partners and changes of the agreement, and an advisory Arbeitsausschuss. As an
eigenbetriebsähnliche Einrichtung of the city of Münster, citeq also has a Betriebsausschuss of the city council.

- Zentralausschuss (ZA): one seat per current partner of "ÖrV citeq 2019", weighted by population (see
  `voting_weight`), simple majority by default, quorum half of the weights; the host city chairs (assumption).
- Arbeitsausschuss (AA): advisory, a few IT heads of partners, the citeq management as advisory member.
- Betriebsausschuss (BA): works committee of the Münster city council, three council members.

Persons are placeholders named after their office ("Hauptverwaltungsbeamtin Münster", title
"Oberbürgermeister(in) der Stadt Münster"); no real person is named.

Meetings. The ZA met on 19 Nov 2025 (held): (1) "Produktkatalog 2026" (paper ZA-V-2025/11) – all partners
present, recorded votes (all yes, one abstention), the decision approves the proposed catalogue version through
the catalogue service; (2) "Beitritt der Stadt Warendorf" – the accession from 1 Jan 2026 is proposed and
approved by a two-thirds decision (skipped with a printed note when the town is not in the registry); (3) a
non-public "Personalangelegenheiten" item without a vote; (4) "Plankostenrechnung 2026" (paper ZA-V-2025/10),
added by `approve_demo_plan` once the demo plan is calculated and submitted (`verbund.demo.costing`): the
decision approves the plan, which generates the approved 2026 prices of its metered products from its rates. The
next ZA meeting (10 Dec 2026) is invited, with a proposed change of the agreement on the agenda and no votes yet.

Order. Agenda items can only be added while the meeting is invited, and the plan needs the subscriptions, which
need the approved 2026 catalogue. So `federation.load_demo` runs `load_demo_governance(hold_meeting=False)`
(catalogue and accession decided, the meeting still invited), the subscriptions and the plan, then
`approve_demo_plan` and `hold_demo_meeting`. Called alone, `load_demo_governance()` closes the meeting itself.

Logins for the votes. Votes go through `governance.services.vote_cast`, which accepts a vote only from the
seat's person (Person.user) – there is no back door for a "system" vote. So every person holding a ZA seat gets
a demo login "hvb-<AGS>" (role committee member, organisation = the partner, *unusable password*: nobody can
sign in with it until an administrator sets a password), used as the actor of that seat's demo votes. The
exception is Kreis Warendorf: its seat is held by the demo user "ausschuss" (committee member with the demo
password), so that the demo shows the committee member's view with a seat. The member-contact demo users stay
unlinked. AA and BA persons cast no demo votes and get no login.

Layout: `common` (constants, counter, naming rules), `seats` (committees, persons, logins, seats), `meetings`
(papers, agenda items, attendance, votes, decisions), `loader` (the entry points below).
"""

from verbund.demo.governance.common import (
    AGREEMENT_REFERENCE,
    COMMITTEE_MEMBER_USERNAME,
    PROVIDER_SHORT_NAME,
    DemoGovernanceError,
    voting_weight,
)
from verbund.demo.governance.loader import (
    approve_demo_plan,
    hold_demo_meeting,
    load_demo_governance,
    summary_line,
)

__all__ = [
    "AGREEMENT_REFERENCE",
    "COMMITTEE_MEMBER_USERNAME",
    "PROVIDER_SHORT_NAME",
    "DemoGovernanceError",
    "approve_demo_plan",
    "hold_demo_meeting",
    "load_demo_governance",
    "summary_line",
    "voting_weight",
]
