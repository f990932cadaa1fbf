"""Schemathesis hooks for the long fuzzing (run.sh --fuzz-long).

Every other generated body of a write that has a template in FUZZ_SEEDS_FILE (written by
support/fuzz-seeds.ts for the organisation FUZZ_ORG) is replaced by that valid template with fresh ids, so
that writes succeed, their replies' OpenAPI links are followed (settle -> read -> reverse ...), and the other
half stays pure fuzz.
"""

import itertools
import json
import os
import random

import schemathesis

with open(os.environ["FUZZ_SEEDS_FILE"], encoding="utf-8") as seeds_file:
    TEMPLATES = json.load(seeds_file).get(os.environ["FUZZ_ORG"], {})

# The field each write's id is in.
ID_FIELDS = {
    "POST /v1/settlements": "settlementId",
    "POST /v1/products": "productId",
    "POST /v1/policies": "policyRef",
    "POST /v1/authorisations": "authorisationId",
}

COUNTER = itertools.count()
RUN = "%08x" % random.SystemRandom().getrandbits(32)


@schemathesis.hook
def map_body(context, body):
    operation = context.operation
    key = "%s %s" % (operation.method.upper(), operation.path)
    template = TEMPLATES.get(key)
    n = next(COUNTER)
    if template is None or n % 2:
        return body
    valid = dict(template, **{ID_FIELDS[key]: "fz-%s-%d" % (RUN, n)})
    if key == "POST /v1/settlements":
        # A fresh e-invoice: a Guangzhou (4401) medical invoice code of 2026, a random 10-digit number.
        valid["invoiceNumber"] = "44010026%010d" % random.SystemRandom().randrange(10**10)
    return valid
