#!/usr/bin/env python3
"""The one workload generator for every ingest benchmark (HTTP and MQTT), seeded.

Distinct people, each with a valid GB 11643 ID number (checksum computed) and a phone, spread
over the 16 townships of config/standards/dahua-townships.json. The mix: ~60 % hotline tickets,
~25 % agency notifications (half about people already seen in this workload), ~15 % charity
referrals; ~5 % of tickets are repeat calls about a person who called a little earlier (inside
any repeat window); ~10 % of tickets and referrals describe a household (from the rules cases,
with the members given fresh people's ID numbers), so the pre-screen runs.

Output, one message per line:  KIND <TAB> ROLE <TAB> JSON
  KIND  ticket | notification | referral
  ROLE  hotline | agency | charity  (the token/topic role; orgs are bench, bench-agency,
        bench-charity and the envelope's source is that org)
  JSON  the envelope; its "id" is the placeholder @ID@, which the load tool replaces by a unique
        id per send, so a workload file can be replayed without duplicates.

  bench/workload/workload.py --seed 1 --n 200000 > /tmp/workload.tsv
"""
import argparse
import glob
import json
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
ORGS = {"hotline": "bench", "agency": "bench-agency", "charity": "bench-charity"}
CATEGORIES = ["dibao", "tekun", "low_income", "medical", "education", "housing", "employment",
              "temporary_aid", "disability", "elderly_care", "inquiry", "other"]
URGENCIES = ["low", "normal", "normal", "normal", "high", "critical"]
SIGNALS = [("medical_insurance", "large_medical_bill"), ("human_resources", "unemployment"),
           ("disability_federation", "disability_certified"), ("agriculture", "income_drop"),
           ("emergency_management", "disaster_loss"), ("education", "school_dropout")]
NEEDS = ["basic_living", "medical", "education", "housing", "employment", "care"]


def gb11643(body17):
    return body17 + CHECK[sum(int(c) * w for c, w in zip(body17, WEIGHTS)) % 11]


class People:
    def __init__(self, rng):
        self.rng = rng
        self.seq = 0
        self.phones = set()

    def id_number(self, birth=None, male=None):
        r = self.rng
        if birth is None:
            birth = "%04d%02d%02d" % (r.randint(1935, 2007), r.randint(1, 12), r.randint(1, 28))
        self.seq += 1
        # Area 451229 (Dahua), the birth date, a 3-digit sequence whose parity is the sex; the
        # sequence plus the birth date keep numbers distinct for the sizes used here.
        order = (self.seq % 500) * 2 + (1 if (male if male is not None else r.random() < 0.5) else 0)
        return gb11643("451229" + birth + "%03d" % order)

    def phone(self):
        while True:
            p = "1" + self.rng.choice("3456789") + "%09d" % self.rng.randrange(10**9)
            if p not in self.phones:
                self.phones.add(p)
                return p

    def person(self, townships):
        return {"id_number": self.id_number(), "phone": self.phone(),
                "township": self.rng.choice(townships)}


def load_households():
    out = []
    for f in sorted(glob.glob(os.path.join(ROOT, "tests/data/rules/cases/case-*.json")))[:20]:
        h = json.load(open(f, encoding="utf-8")).get("household")
        if isinstance(h, dict) and h.get("members"):
            out.append(h)
    return out


def household_for(rng, people, templates, subject):
    h = json.loads(json.dumps(rng.choice(templates)))
    h["township_code"] = subject["township"]
    h.pop("township", None)
    for i, m in enumerate(h["members"]):
        if i == 0:
            m["id_number"] = subject["id_number"]
            b = subject["id_number"][6:14]
            m["birth_date"] = "%s-%s-%s" % (b[:4], b[4:6], b[6:])
            m["sex"] = "M" if int(subject["id_number"][16]) % 2 else "F"
        elif "id_number" in m:
            b = m.get("birth_date", "1960-01-01").replace("-", "")
            m["id_number"] = people.id_number(b, m.get("sex", "M") == "M")
    return h


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n", type=int, default=100000)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    townships = [t["code"] for t in
                 json.load(open(os.path.join(ROOT, "config/standards/dahua-townships.json")))["townships"]]
    assert len(townships) == 16, townships
    templates = load_households()
    people = People(rng)
    known = []          # people named so far (for notifications about known people)
    recent_callers = [] # the last tickets' people (repeat calls)
    out = sys.stdout
    stats = {"ticket": 0, "notification": 0, "referral": 0, "repeat": 0, "known_signal": 0,
             "household": 0}
    for _ in range(a.n):
        x = rng.random()
        if x < 0.60:
            if recent_callers and rng.random() < 0.05:
                p = dict(rng.choice(recent_callers))
                if rng.random() < 0.3:
                    p.pop("id_number")  # a repeat call that gives no ID number
                stats["repeat"] += 1
            else:
                p = people.person(townships)
                recent_callers.append(p)
                if len(recent_callers) > 2000:
                    recent_callers.pop(0)
                known.append(p)
            subject = {"township": p["township"], "phone": p["phone"]}
            if "id_number" in p:
                subject["id_number"] = p["id_number"]
            if "id_number" in p and templates and rng.random() < 0.10:
                subject["household"] = household_for(rng, people, templates, p)
                stats["household"] += 1
            msg = {"id": "@ID@", "kind": "ticket", "source": ORGS["hotline"],
                   "occurred_at": "2026-11-30T09:30:00+08:00", "subject": subject,
                   "body": {"caller": {"relation": rng.choice(["self", "family", "village_cadre"])},
                            "category": rng.choice(CATEGORIES), "urgency": rng.choice(URGENCIES),
                            "description": "来电反映生活困难，请核实。"}}
            kind, role = "ticket", "hotline"
        elif x < 0.85:
            if known and rng.random() < 0.5:
                p = rng.choice(known)
                stats["known_signal"] += 1
            else:
                p = people.person(townships)
                known.append(p)
            dept, signal = rng.choice(SIGNALS)
            msg = {"id": "@ID@", "kind": "notification", "source": ORGS["agency"],
                   "occurred_at": "2026-11-30T09:30:00+08:00",
                   "subject": {"id_number": p["id_number"], "township": p["township"]},
                   "body": {"department": dept, "signal": signal,
                            "amounts": {"out_of_pocket": rng.randrange(100000, 9000000)}}}
            kind, role = "notification", "agency"
        else:
            p = people.person(townships)
            known.append(p)
            subject = {"id_number": p["id_number"], "township": p["township"]}
            if templates and rng.random() < 0.10:
                subject["household"] = household_for(rng, people, templates, p)
                stats["household"] += 1
            msg = {"id": "@ID@", "kind": "referral", "source": ORGS["charity"],
                   "occurred_at": "2026-11-30T09:30:00+08:00", "subject": subject,
                   "body": {"needs": rng.sample(NEEDS, 2), "charity_case_id": "c-%d" % people.seq,
                            "consent": True}}
            kind, role = "referral", "charity"
        stats[kind] += 1
        out.write(kind + "\t" + role + "\t" + json.dumps(msg, ensure_ascii=False,
                                                         separators=(",", ":")) + "\n")
    print("workload: " + " ".join("%s=%d" % kv for kv in stats.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
