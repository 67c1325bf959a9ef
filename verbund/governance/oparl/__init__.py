"""OParl 1.1 read API of the committees (Ratsinformationssystem interface), served at /oparl/v1/.

- `queries`: what is published (never the non-public agenda items, their decisions and the papers only discussed
  there) and the annotations for `modified`/`deleted`; a fixed number of queries per list page.
- `serializers`: one function per OParl type, and the mapping of the governance models onto OParl.
- `lists`: external lists with pagination, the created/modified filters, deleted objects and `omit_internal`.
- `views`, `urls`: stateless GET views (no session, no cookie), cacheable, open to any origin.

The contract is checked in `verbund/governance/tests/test_oparl*.py` against the official JSON schemas.
"""
