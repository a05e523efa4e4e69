"""Organization mode end to end (docs/contract.md §1.4): build/bootstrap with SCOPE=organization in
the delegated administrator account, against moto with IAM authentication (the role holds only
template.yaml's policy for Scope=organization) behind tests/peers/inspector2_org_front.py, which
adds what moto lacks: ListMembers paging, the 100-account limit and failedAccounts.

An organization of 250 members (moto associate_member from the administrator account);
a random third has ECR scanning off. What a user relies on: one run enables exactly
those, in batches of at most 100, and says so in one notification; a run cut by its
deadline stops cleanly and the next one finishes; a member whose Enable fails is
reported with the AWS error and the others are fixed; with REGIONS, every region is
restored; in account mode none of this happens.
"""

import os
import random
import sys
import json
import unittest
import urllib.parse

import boto3
import botocore.config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import REGION, World, run_function  # noqa: E402
from inspector2_org_front import Inspector2OrgFront  # noqa: E402  (tests/peers)
from fake_org import FakeOrg  # noqa: E402  (tests/peers)

MEMBERS = 250
OTHER_REGION = "eu-west-1"


def document(note):
    """The JSON document an SQS subscriber receives, checked against
    docs/notification.schema.json (jsonschema missing fails the test)."""
    def no_duplicate_keys(pairs):
        keys = [k for k, _ in pairs]
        dup = {k for k in keys if keys.count(k) > 1}
        if dup:
            raise AssertionError("duplicate keys in the document: %s" % sorted(dup))
        return dict(pairs)

    doc = json.loads(note.message, object_pairs_hook=no_duplicate_keys)
    harness.validate_document(doc)
    return doc


def members_by_result(doc, region=REGION):
    """{account: (before, result, error_code)} of one region's drifted members."""
    (r,) = [r for r in doc["organization"]["regions"] if r["region"] == region]
    return {m["account"]: (m["before"], m["result"], m.get("error_code")) for m in r["drifted"]}


def chunks(seq, n=100):
    return [seq[i:i + n] for i in range(0, len(seq), n)]


class Organization(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_bootstrap()
        cls.world = World()
        try:
            cls.front = Inspector2OrgFront(upstream=cls.world.endpoint, region=REGION).start()
            cls.world.front = cls.front  # stopped with the world
            rng = random.Random(8)
            cls.members = sorted({"%012d" % rng.randrange(10**11, 10**12) for _ in range(MEMBERS)})
            assert len(cls.members) == MEMBERS
            cls.clients = {REGION: cls.world.inspector2, OTHER_REGION: cls._client(OTHER_REGION)}
            cls.ecr_other = cls._client(OTHER_REGION, "ecr")
            for region, client in cls.clients.items():
                for m in cls.members:
                    client.associate_member(accountId=m)
            # One more member, disassociated: never checked, never enabled.
            cls.gone = "999999999999"
            cls.world.inspector2.associate_member(accountId=cls.gone)
            cls.world.inspector2.disassociate_member(accountId=cls.gone)
            cls.front.undo_enable = lambda region, ids: cls.clients[region].disable(
                accountIds=ids, resourceTypes=["ECR"])
        except Exception:
            cls.world.stop()
            raise

    @classmethod
    def _client(cls, region, service="inspector2"):
        """The administrator's client of service in another region."""
        moto = cls.world.moto
        return boto3.client(service, endpoint_url=moto.endpoint_url, region_name=region,
                            aws_access_key_id=moto.admin["AccessKeyId"],
                            aws_secret_access_key=moto.admin["SecretAccessKey"],
                            aws_session_token=moto.admin.get("SessionToken"),
                            config=botocore.config.Config(proxies={}))

    @classmethod
    def tearDownClass(cls):
        cls.world.stop()

    def setUp(self):
        self.front.reset()
        self.world.good_state()
        for client in self.clients.values():  # organization auto-enable for ECR on
            client.update_organization_configuration(autoEnable={"ec2": False, "ecr": True})
        # The administrator's own account is fine in the other region too.
        self.clients[OTHER_REGION].enable(accountIds=[self.world.account], resourceTypes=["ECR"])
        self.ecr_other.put_registry_scanning_configuration(
            scanType="ENHANCED",
            rules=[{"scanFrequency": "CONTINUOUS_SCAN",
                    "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}])
        self.world.notifications()  # drop what earlier tests left

    def drift(self, region=REGION, seed=1):
        """ECR on for every member, then off for a random third; returns that third."""
        client = self.clients[region]
        for c in chunks(self.members):
            client.enable(accountIds=c, resourceTypes=["ECR"])
        off = sorted(random.Random(seed).sample(self.members, MEMBERS // 3))
        client.disable(accountIds=off, resourceTypes=["ECR"])
        return off

    def auto_enable(self, region=REGION):
        """DescribeOrganizationConfiguration's autoEnable, as the administrator reads it. moto
        rejects the signature of a signed POST without a body (docs/emulator-notes.md §13), so
        send {}."""
        client = self.clients[region]

        def body(request, **_kw):
            request.data = b"{}"
        client.meta.events.register(
            "before-sign.inspector2.DescribeOrganizationConfiguration", body)
        try:
            return client.describe_organization_configuration()["autoEnable"]
        finally:
            client.meta.events.unregister(
                "before-sign.inspector2.DescribeOrganizationConfiguration", body)

    def ecr_off(self, region=REGION):
        client = self.clients[region]
        on = set()
        for c in chunks(self.members + [self.gone]):
            for a in client.batch_get_account_status(accountIds=c)["accounts"]:
                if a["resourceState"]["ecr"]["status"] in ("ENABLED", "ENABLING"):
                    on.add(a["accountId"])
        return sorted(set(self.members) - on)

    def env(self, **extra):
        return self.world.function_env(SCOPE="organization",
                                       AWS_ENDPOINT_URL_INSPECTOR2=self.front.endpoint_url,
                                       **extra)

    def org_summary(self, inv):
        self.assertTrue(inv.ok, inv)
        return inv.body["organization"]["regions"]

    def test_one_run_enables_exactly_the_drifted_members_in_batches_of_100(self):
        off = self.drift()
        # Organization auto-enable for ECR off too (Lambda's left on: kept as it is).
        self.world.inspector2.update_organization_configuration(
            autoEnable={"ec2": False, "ecr": False, "lambda": True})
        run = run_function(self.world, [self.world.scheduled_event()], self.env())
        (inv,) = run.invocations
        (region,) = self.org_summary(inv)
        self.assertEqual(region["members"], MEMBERS)  # the disassociated one is not counted
        self.assertEqual(region["checked"], MEMBERS)
        self.assertEqual((region["drifted"], region["restored"]), (len(off), len(off)))
        self.assertTrue(region["complete"])
        self.assertEqual(region["auto_enable_ecr"], "restored")
        auto = self.auto_enable()
        self.assertEqual((auto["ecr"], auto["lambda"], auto["ec2"]), (True, True, False))
        self.assertEqual(self.ecr_off(), [])
        enables = self.front.calls_of("Enable")
        self.assertEqual(sorted(a for ids in enables for a in ids), off)  # exactly those
        reads = self.front.calls_of("BatchGetAccountStatus")
        for ids in enables + reads:
            self.assertLessEqual(len(ids), 100)
        member_reads = [ids for ids in reads if ids != [self.world.account]]
        self.assertEqual(sorted(a for ids in member_reads for a in ids), self.members)
        # 250 associated members, 50 per page (the disassociated one is not listed).
        self.assertEqual(len(self.front.calls_of("ListMembers")), 5)
        (note,) = self.world.notifications(expect=1)
        self.assertIn("ECR scanning restored in %d member(s)" % len(off), note.subject)
        self.assertEqual(note.attributes["event_kind"], "remediation")
        self.assertEqual(note.attributes["account_id"], self.world.account)
        doc = document(note)
        self.assertEqual(doc["kind"], "remediation")
        self.assertEqual(doc["drift"]["outcome"], "restored")
        self.assertEqual(members_by_result(doc), {a: ("DISABLED", "ok", None) for a in off})

        # Nothing drifted: no write, no notification.
        self.front.reset()
        run = run_function(self.world, [self.world.scheduled_event()], self.env())
        (region,) = self.org_summary(run.invocations[0])
        self.assertEqual(region["drifted"], 0)
        self.assertNotIn("auto_enable_ecr", region)
        self.assertEqual(self.front.calls_of("Enable"), [])
        self.assertEqual(self.world.notifications(timeout_s=0.5), [])

    def test_exempt_accounts_are_never_read_nor_enabled_and_are_listed(self):
        off = self.drift(seed=11)
        on = [m for m in self.members if m not in off]
        exempt = sorted(off[:3] + on[:2])
        not_a_member = "111111111111"  # exempting an account that is no member changes nothing
        env = self.env(EXEMPT_ACCOUNTS=" , ".join(exempt + [not_a_member]))
        run = run_function(self.world, [self.world.scheduled_event()], env)
        (inv,) = run.invocations
        (region,) = self.org_summary(inv)
        self.assertEqual(region["members"], MEMBERS)
        self.assertEqual((region["exempt_count"], sorted(region["exempt"])), (5, exempt))
        self.assertEqual(region["checked"], MEMBERS - len(exempt))
        self.assertEqual((region["drifted"], region["restored"]), (len(off) - 3, len(off) - 3))
        touched = {a for ids in self.front.calls_of("Enable")
                   + self.front.calls_of("BatchGetAccountStatus") for a in ids}
        self.assertEqual(touched & set(exempt), set())  # never read, never enabled
        self.assertEqual(self.ecr_off(), sorted(off[:3]))  # still off: left alone
        (note,) = self.world.notifications(expect=1)
        doc = document(note)
        (r,) = [r for r in doc["organization"]["regions"] if r["region"] == REGION]
        self.assertEqual(sorted(r["exempt"]), exempt)
        self.assertNotIn(off[0], members_by_result(doc))

    def test_an_invalid_exempt_account_is_a_configuration_error(self):
        run = run_function(self.world, [self.world.scheduled_event()],
                           self.env(EXEMPT_ACCOUNTS="111122223333,12345"))
        self.assertIsNotNone(run.init_error, run.log)
        self.assertIn("EXEMPT_ACCOUNTS", run.init_error.body["errorMessage"])
        self.assertEqual(self.front.calls_of("Enable"), [])

    def test_administrator_and_members_drifted_give_one_notification(self):
        off = self.drift(seed=7)
        self.world.break_state()  # the administrator's own account too
        run = run_function(self.world, [self.world.scheduled_event()], self.env())
        (inv,) = run.invocations
        (region,) = self.org_summary(inv)
        self.assertEqual(region["restored"], len(off))
        self.assertIn("inspector_ecr", inv.body["drift"])  # the account check's part
        self.assertEqual(self.world.inspector_ecr_status(), "ENABLED")
        notes = self.world.notifications(expect=1, timeout_s=2)
        self.assertEqual(len(notes), 1)
        self.assertIn("(+ admin account)", notes[0].subject)
        doc = document(notes[0])
        self.assertEqual(doc["organization"]["administrator"], self.world.account)
        admin = doc["organization"]["administrator_drift"]
        self.assertEqual({d["name"] for d in admin["drifts"]},
                         {"inspector_ecr", "registry_scan_type", "registry_rule"})
        self.assertEqual(set(members_by_result(doc)), set(off))

    def test_a_run_cut_by_its_deadline_stops_cleanly_and_the_next_finishes(self):
        off = self.drift(seed=2)
        # Slow AWS for the first calls: the admin's own status read, the first status batch
        # and then the Enable of its drifted members take D = 2.5 s each. With 21 s to the
        # deadline (20 s for AWS calls after main's 1 s answer reserve, handler/main.c), the
        # reserve kept for the notification (sw_org_reserve_ms) is 2 s until a call is slow,
        # then 0.25 + 3 * D + 0.15 = 7.9 s (the publish under three attempts as slow as D):
        # - a second batch never fits, however fast the machine: the delays are lower
        #   bounds, so it would start at >= 2D = 5 s and its estimate (a status read D, and
        #   two Enables 2D with members pending) plus 7.9 s ends at >= 20.4 s, past 20 s;
        # - the first batch fits, and so does the Enable of what it found (at >= 2D its
        #   estimate D plus 7.9 s), when the unslowed work before it (start-up,
        #   organization configuration, ListMembers) takes under 20 - 3D - 7.9 =
        #   4.6 s, against about 2 s measured under ASan with both cores busy.
        self.front.delay_s = 2.5
        self.front.slow_calls = 3
        run = run_function(self.world, [self.world.scheduled_event(), self.world.scheduled_event()],
                           self.env(), deadlines_ms=[21000, None])
        first, second = run.invocations
        (r1,) = self.org_summary(first)
        self.assertFalse(r1["complete"])
        self.assertEqual(r1["checked"], 100)
        self.assertIn("stopping before the deadline", run.log)
        (r2,) = self.org_summary(second)
        self.assertTrue(r2["complete"])
        self.assertEqual(r1["restored"] + r2["restored"], len(off))
        self.assertEqual(self.ecr_off(), [])
        notes = self.world.notifications(expect=2)
        self.assertEqual(len(notes), 2)
        (cut,) = document(notes[0])["organization"]["regions"]
        self.assertFalse(cut["complete"])
        self.assertEqual(cut["checked"], 100)
        # The second run began where the first stopped: its first status read holds none
        # of the first run's members.
        reads = [ids for ids in self.front.calls_of("BatchGetAccountStatus")
                 if ids != [self.world.account]]
        self.assertTrue(set(reads[0]).isdisjoint(reads[1]))

    def test_a_region_listed_too_late_does_not_take_the_notifications_time(self):
        # Every ListMembers page in the second region takes 1 s: its listing 5 s. With 5 s
        # to the deadline (4.5 s for AWS calls after main's answer reserve), the first
        # region is listed and restored in about a second; the second region's first page
        # fits (2 s reserve), after it the reserve is 0.25 + 3 * 1 + 0.15 = 3.4 s and the
        # next page (estimated 1 s) cannot fit: the listing stops between pages, the
        # region is "not reached" and the notification goes out. Before, only the start of
        # a region was checked: the listing ran into the deadline and the notification was
        # lost ("sns:Publish ... not sent, the invocation deadline has passed").
        off_home = self.drift(REGION, seed=9)
        self.drift(OTHER_REGION, seed=10)
        self.front.list_delay_s = {OTHER_REGION: 1.0}
        run = run_function(self.world, [self.world.scheduled_event()],
                           self.env(REGIONS="%s,%s" % (REGION, OTHER_REGION)),
                           deadlines_ms=[5000])
        (inv,) = run.invocations
        (note,) = self.world.notifications(expect=1)
        doc = document(note)
        run_doc = doc["organization"]["run"]
        self.assertTrue(run_doc["cut"], doc["organization"])
        self.assertEqual(run_doc["regions_not_reached"], 1, run.log[-3000:])
        self.assertEqual(run_doc["restored"], len(off_home))
        self.assertEqual(set(members_by_result(doc, REGION)), set(off_home))
        self.assertIn("(run cut)", note.subject)
        self.assertEqual(self.front.calls_of("Enable", OTHER_REGION), [])
        regions = {r["region"]: r for r in inv.body["organization"]["regions"]}
        self.assertFalse(regions[OTHER_REGION]["complete"])
        self.assertNotIn("error", regions[OTHER_REGION])  # not reached, not failed
        self.assertNotIn("not sent", run.log)

    def test_a_member_whose_enable_fails_is_reported_and_the_others_fixed(self):
        off = self.drift(seed=3)
        bad = off[len(off) // 2]
        self.front.fail_enable[bad] = ("ACCESS_DENIED", "Member account %s denied by SCP" % bad)
        run = run_function(self.world, [self.world.scheduled_event()], self.env())
        (inv,) = run.invocations
        self.assertEqual(inv.error_type, "RemediationFailed")
        self.assertIn(bad, inv.body["errorMessage"])
        self.assertEqual(self.ecr_off(), [bad])
        (note,) = self.world.notifications(expect=1)
        self.assertIn("1 of %d member(s) NOT restored" % len(off), note.subject)
        doc = document(note)
        self.assertEqual(doc["drift"]["outcome"], "failed")
        members = members_by_result(doc)
        self.assertEqual(members.pop(bad), ("DISABLED", "failed", "ACCESS_DENIED"))
        self.assertEqual(set(members), set(off) - {bad})
        self.assertEqual({res for _b, res, _e in members.values()}, {"ok"})

    def test_every_region_is_restored(self):
        off_home = self.drift(REGION, seed=4)
        off_other = self.drift(OTHER_REGION, seed=5)
        run = run_function(self.world, [self.world.scheduled_event()],
                           self.env(REGIONS="%s,%s" % (REGION, OTHER_REGION)))
        regions = {r["region"]: r for r in self.org_summary(run.invocations[0])}
        self.assertEqual(set(regions), {REGION, OTHER_REGION})
        self.assertEqual(regions[REGION]["restored"], len(off_home))
        self.assertEqual(regions[OTHER_REGION]["restored"], len(off_other))
        self.assertEqual(self.ecr_off(REGION), [])
        self.assertEqual(self.ecr_off(OTHER_REGION), [])
        self.assertEqual(sorted(a for ids in self.front.calls_of("Enable", OTHER_REGION)
                                for a in ids), off_other)
        (note,) = self.world.notifications(expect=1)
        doc = document(note)
        self.assertEqual(set(members_by_result(doc, REGION)), set(off_home))
        self.assertEqual(set(members_by_result(doc, OTHER_REGION)), set(off_other))

    def test_cli_check_reads_every_region_and_writes_nothing(self):
        """bootstrap --check with SCOPE=organization (docs/operations.md): a table per region
        of the members checked and drifted, exit 4, and no Enable, no publish."""
        import subprocess
        off_home = self.drift(REGION, seed=6)
        off_other = self.drift(OTHER_REGION, seed=7)
        env = {k: v for k, v in self.env(REGIONS="%s,%s" % (REGION, OTHER_REGION)).items()
               if k != "AWS_LAMBDA_RUNTIME_API"}
        r = subprocess.run([harness.BOOTSTRAP, "--check"], env=env, capture_output=True,
                           text=True, timeout=120)
        self.assertEqual(r.returncode, 4, r.stdout + r.stderr)
        rows = {line.split()[0]: line.split() for line in r.stdout.splitlines()
                if not line.startswith(" ") and line.split()
                and line.split()[0] in (REGION, OTHER_REGION)}
        self.assertEqual(rows[REGION][1:4], [str(MEMBERS), str(MEMBERS), str(len(off_home))])
        self.assertEqual(rows[OTHER_REGION][1:4], [str(MEMBERS), str(MEMBERS), str(len(off_other))])
        for a in off_home[:3] + off_other[:3]:
            self.assertIn(a, r.stdout)
        self.assertEqual(self.front.calls_of("Enable", REGION), [])
        self.assertEqual(self.front.calls_of("Enable", OTHER_REGION), [])
        self.assertEqual(self.ecr_off(REGION), off_home)  # nothing written
        self.assertEqual(self.world.notifications(), [])

    def cli_event(self, ev, *args):
        """bootstrap --event with the function's environment, as an operator runs it."""
        import subprocess
        import tempfile
        env = {k: v for k, v in self.env().items() if k != "AWS_LAMBDA_RUNTIME_API"}
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            json.dump(ev, f)
            f.flush()
            r = subprocess.run([harness.BOOTSTRAP, "--event", f.name, *args], env=env,
                               capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return json.loads(r.stdout)

    def test_cli_event_runs_the_members_check_as_lambda_does(self):
        """bootstrap --event in organization scope runs the same pipeline as Lambda
        (docs/operations.md, "The command line"): a scheduled event checks the members,
        --dry-run reads them, writes nothing and prints the one organization notification;
        without it the members are restored and the notification is published."""
        off = self.drift(seed=11)
        out = self.cli_event(self.world.scheduled_event(), "--dry-run")
        run = out["result"]["organization"]["run"]
        self.assertEqual((run["checked"], run["drifted"], run["restored"]),
                         (MEMBERS, len(off), 0))
        self.assertEqual(self.front.calls_of("Enable"), [])
        self.assertEqual(self.ecr_off(), off)  # nothing written
        (note,) = out["notifications"]
        self.assertIn("ECR scanning off in %d member(s)" % len(off), note["subject"])
        self.assertEqual(self.world.notifications(), [])  # printed, not published

        result = self.cli_event(self.world.scheduled_event())
        self.assertEqual(result["organization"]["run"]["restored"], len(off))
        self.assertEqual(self.ecr_off(), [])
        self.assertEqual(len(self.world.notifications(expect=1)), 1)

    def test_cli_event_for_a_member_lists_the_members_once(self):
        """An event naming a member, from the command line (no deadline): the membership
        lookup's listing serves the members' check too, as under Lambda."""
        off = self.drift(seed=12)
        ev = self.world.scheduled_event()
        ev["account"] = self.members[0]
        self.front.reset()
        result = self.cli_event(ev)
        self.assertTrue(result["handled"], result)
        self.assertEqual(result["organization"]["run"]["restored"], len(off))
        self.assertEqual(len(self.front.calls_of("ListMembers")), 5)  # 250 members, 50 a page
        ev["account"] = self.gone
        result = self.cli_event(ev)
        self.assertFalse(result["handled"], result)
        self.assertIn("member", result["reason"])

    def test_regions_admin_and_members_drifted_everywhere_give_one_notification(self):
        admin = self.world.account
        off_home = self.drift(REGION, seed=9)
        off_other = self.drift(OTHER_REGION, seed=10)
        self.world.break_state()  # the administrator's own account, home region
        self.clients[OTHER_REGION].disable(accountIds=[admin], resourceTypes=["ECR"])
        self.ecr_other.put_registry_scanning_configuration(scanType="BASIC", rules=[])
        run = run_function(self.world, [self.world.scheduled_event()],
                           self.env(REGIONS="%s,%s" % (REGION, OTHER_REGION)))
        (inv,) = run.invocations
        self.assertTrue(inv.ok, inv)
        self.assertEqual(self.ecr_other.get_registry_scanning_configuration()
                         ["scanningConfiguration"]["scanType"], "ENHANCED")
        (note,) = self.world.notifications(expect=1, timeout_s=2)
        self.assertEqual(self.world.notifications(timeout_s=1.0), [])  # exactly one
        self.assertIn("(+ admin account)", note.subject)
        doc = document(note)  # schema-checked
        self.assertEqual(set(members_by_result(doc, REGION)), set(off_home))
        self.assertEqual(set(members_by_result(doc, OTHER_REGION)), set(off_other))
        org = doc["organization"]
        self.assertEqual([r["region"] for r in org["administrator_regions"]],
                         [REGION, OTHER_REGION])
        self.assertEqual({r["drift"]["outcome"] for r in org["administrator_regions"]},
                         {"restored"})

    def test_regions_in_account_mode_restore_the_account_in_each_region(self):
        admin = self.world.account
        inspector = self.clients[OTHER_REGION]
        ecr = self.ecr_other
        inspector.disable(accountIds=[admin], resourceTypes=["ECR"])
        ecr.put_registry_scanning_configuration(scanType="BASIC", rules=[])
        self.world.good_state()  # the home region is fine
        run = run_function(self.world, [self.world.scheduled_event()],
                           self.world.function_env(REGIONS="%s,%s" % (REGION, OTHER_REGION)))
        (inv,) = run.invocations
        self.assertTrue(inv.ok, inv)
        self.assertNotIn("organization", inv.body)  # account mode: no member check
        status = inspector.batch_get_account_status(accountIds=[admin])["accounts"][0]
        self.assertEqual(status["resourceState"]["ecr"]["status"], "ENABLED")
        self.assertEqual(ecr.get_registry_scanning_configuration()["scanningConfiguration"]
                         ["scanType"], "ENHANCED")
        (note,) = self.world.notifications(expect=1)
        self.assertEqual(note.attributes["region"], OTHER_REGION)
        self.assertEqual(self.front.calls_of("ListMembers"), [])

    def test_regions_in_account_mode_drifted_in_both_is_one_notification(self):
        admin = self.world.account
        self.clients[OTHER_REGION].disable(accountIds=[admin], resourceTypes=["ECR"])
        self.ecr_other.put_registry_scanning_configuration(scanType="BASIC", rules=[])
        self.world.break_state()  # the home region drifted too
        run = run_function(self.world, [self.world.scheduled_event()],
                           self.world.function_env(REGIONS="%s,%s" % (REGION, OTHER_REGION)))
        (inv,) = run.invocations
        self.assertTrue(inv.ok, inv)
        self.assertEqual(self.world.inspector_ecr_status(), "ENABLED")
        self.assertEqual(self.ecr_other.get_registry_scanning_configuration()
                         ["scanningConfiguration"]["scanType"], "ENHANCED")
        (note,) = self.world.notifications(expect=1)  # one for both regions
        self.assertEqual(note.subject,
                         "scanwarden: ECR scanning restored in 2 regions of %s" % admin)
        self.assertEqual(note.attributes["region"], "%s,%s" % (REGION, OTHER_REGION))
        self.assertEqual(note.attributes["event_kind"], "remediation")
        doc = document(note)  # schema-checked
        self.assertEqual(doc["drift"]["outcome"], "restored")
        self.assertEqual([r["region"] for r in doc["regions"]], [REGION, OTHER_REGION])
        self.assertEqual({r["drift"]["outcome"] for r in doc["regions"]}, {"restored"})

    def test_events_for_a_member_are_checked_and_for_others_make_no_write(self):
        """An event may name the administrator or a current member (looked up with the
        ListMembers the organization check does anyway: listed once per invocation); one
        naming any other account (here a disassociated member) reads no status and writes
        nothing, and is answered handled:false with the reason."""
        off = self.drift(seed=7)
        member = self.members[0]
        ev = self.world.scheduled_event()
        ev["account"] = member
        run = run_function(self.world, [ev], self.env())
        (region,) = self.org_summary(run.invocations[0])
        self.assertEqual(region["restored"], len(off))
        self.assertEqual(self.ecr_off(), [])
        self.assertEqual(len(self.front.calls_of("ListMembers")), 5)  # 250 members, 50 a page
        self.assertEqual(len(self.world.notifications(expect=1)), 1)

        off = self.drift(seed=8)
        self.front.reset()
        ev["account"] = self.gone
        run = run_function(self.world, [ev], self.env())
        (inv,) = run.invocations
        self.assertTrue(inv.ok, inv)
        self.assertFalse(inv.body["handled"], inv.body)
        self.assertIn(self.gone, inv.body["reason"])
        self.assertIn("member", inv.body["reason"])
        self.assertEqual(self.front.calls_of("BatchGetAccountStatus"), [])
        self.assertEqual(self.front.calls_of("Enable"), [])
        self.assertEqual(self.ecr_off(), off)
        self.assertEqual(self.world.notifications(), [])

    def test_member_events_run_the_check_only_in_organization_mode(self):
        off = self.drift(seed=6)
        autoenable = harness.load_event("inspector2-autoenable.inspector-docs.json")
        autoenable.update(account=self.world.account, region=REGION)
        disassociate = self.world.cloudtrail_event(
            "cloudtrail-inspector2-Disable-ECR.json",
            "arn:aws:iam::%s:user/admin" % self.world.account)
        disassociate["detail"]["eventName"] = "DisassociateMember"
        # Account mode: both unhandled, nothing written.
        run = run_function(self.world, [autoenable, disassociate],
                           self.world.function_env(AWS_ENDPOINT_URL_INSPECTOR2=self.front.endpoint_url))
        for inv in run.invocations:
            self.assertTrue(inv.ok, inv)
            self.assertFalse(inv.body["handled"])
        self.assertEqual(self.ecr_off(), off)
        # Organization mode: the AutoEnable event runs the organization check.
        run = run_function(self.world, [autoenable], self.env())
        (region,) = self.org_summary(run.invocations[0])
        self.assertEqual(region["restored"], len(off))
        self.assertEqual(self.ecr_off(), [])
        # ... and so does a DisassociateMember call (nothing left to restore now).
        run = run_function(self.world, [disassociate], self.env())
        self.assertTrue(run.invocations[0].body["handled"])
        (region,) = self.org_summary(run.invocations[0])
        self.assertEqual((region["checked"], region["drifted"]), (MEMBERS, 0))


LATENCY_S = 0.05        # every Inspector2 and SNS call, as from a distant region
LATENCY_MEMBERS = 1000  # 20 ListMembers pages, 10 status reads
LATENCY_DRIFTED = 667   # two thirds: 7 Enable calls when batches are full, 10 when not


class OrganizationAtLatency(unittest.TestCase):
    """A run against an AWS that answers every call after 50 ms (the front's latency_s, on
    Inspector2 and on SNS through AWS_ENDPOINT_URL_SNS), cut by its deadline: the
    notification still goes out and says so, it counts exactly the members the Enable calls
    restored, and Enable calls carry full batches."""

    @classmethod
    def setUpClass(cls):
        harness.require_bootstrap()
        cls.world = World()
        try:
            cls.front = Inspector2OrgFront(upstream=cls.world.endpoint, region=REGION).start()
            cls.world.front = cls.front
            cls.members = ["%012d" % (300000000000 + i * 7919) for i in range(LATENCY_MEMBERS)]
            for m in cls.members:
                cls.world.inspector2.associate_member(accountId=m)
        except Exception:
            cls.world.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.world.stop()

    def setUp(self):
        self.front.reset()
        self.world.good_state()
        self.world.notifications(timeout_s=0.2)

    def drift(self):
        client = self.world.inspector2
        for c in chunks(self.members):
            client.enable(accountIds=c, resourceTypes=["ECR"])
        off = sorted(random.Random(18).sample(self.members, LATENCY_DRIFTED))
        for c in chunks(off):
            client.disable(accountIds=c, resourceTypes=["ECR"])
        return off

    def run_once(self, deadline_ms=None):
        """One scheduled run at 50 ms per call: (its result's organization part, the one
        notification's document, the Enable calls' sizes, the accounts they enabled)."""
        self.front.reset()
        self.front.latency_s = LATENCY_S
        env = self.world.function_env(SCOPE="organization",
                                      AWS_ENDPOINT_URL_INSPECTOR2=self.front.endpoint_url,
                                      AWS_ENDPOINT_URL_SNS=self.front.endpoint_url,
                                      CHAT_FORMAT="chatbot")
        run = run_function(self.world, [self.world.scheduled_event()], env,
                           deadlines_ms=[deadline_ms])
        self.front.latency_s = 0.0
        (inv,) = run.invocations
        org = inv.body.get("organization") if isinstance(inv.body, dict) else None
        notes = self.world.notifications(expect=1, timeout_s=5)
        self.assertEqual(len(notes), 1, "every run publishes its one notification: %s\n%s"
                         % (inv.raw[:400], run.log[-3000:]))
        self.assertEqual(self.front.publishes, 1)
        enables = self.front.calls_of("Enable")
        ok = sorted(a for _r, a in self.front.enabled_ok)
        return inv, run, org, document(notes[0]), enables, ok

    def published(self, protocol):
        """The message the last Publish carried for one protocol (e-mail text, chat...)."""
        (body,) = self.front.publish_bodies
        form = urllib.parse.parse_qs(body.decode())
        return json.loads(form["Message"][0])[protocol]

    def assert_reported(self, doc, enables, ok):
        """The notification counts exactly the members the Enable calls restored, and names
        each one it lists among them: nothing restored goes unreported."""
        run_doc = doc["organization"]["run"]
        self.assertEqual(run_doc["restored"], len(ok))
        self.assertEqual(len(ok), sum(len(ids) for ids in enables))  # no failure injected
        listed = {a: r for a, (_b, r, _c) in members_by_result(doc).items()}
        listed_ok = sorted(a for a, r in listed.items() if r == "ok")
        self.assertLessEqual(set(listed_ok), set(ok))
        # Every drifted member listed: up to 500 (SW_ORG_LISTED_MAX), and when the document
        # fits SNS's size (else "truncated" says members were left out; the counts stand).
        if run_doc["drifted"] <= 500 and not doc.get("truncated"):
            self.assertEqual(listed_ok, ok)
        # Full batches: every Enable but the last carries 100 ids (the fewest calls there can
        # be: ceil(enabled / 100)).
        sizes = [len(ids) for ids in enables]
        self.assertTrue(all(n == 100 for n in sizes[:-1]), sizes)

    def test_full_batches_and_a_cut_run_still_tells(self):
        # An uncut run: every drifted member restored, in Enable batches of 100.
        off = self.drift()
        inv, run, org, doc, enables, ok = self.run_once()
        self.assertTrue(inv.ok, inv)
        (region,) = org["regions"]
        self.assertTrue(region["complete"])
        self.assertEqual((region["drifted"], region["restored"]), (len(off), len(off)))
        self.assertEqual(ok, off)
        sizes = [len(ids) for ids in enables]
        self.assertEqual(len(sizes), (len(off) + 99) // 100)  # 7, not one per status read
        self.assertGreaterEqual(sum(sizes) / len(sizes), 90)
        self.assertEqual(region["enable_calls"], len(sizes))
        self.assertFalse(doc["organization"]["run"]["cut"])
        self.assert_reported(doc, enables, ok)
        wall_ms = run.latencies_ms[0]

        # Deadlines from just above the uncut run's time down, until one cuts the run after
        # some members were restored; every run publishes, and counts what it restored.
        cut_with_progress = None
        # The reserve at 50 ms per call covers a throttled publish (1 s and 2 s waits), so
        # a deadline cuts the run once it is within about 3.5 s of the uncut run's end.
        for k in range(20):
            off = self.drift()
            deadline = int(wall_ms + 4000 - 250 * k)
            inv, run, org, doc, enables, ok = self.run_once(deadline)
            self.assertTrue(inv.body is not None, inv)
            self.assert_reported(doc, enables, ok)
            run_doc = doc["organization"]["run"]
            self.assertIsNotNone(org, "deadline %d: %s\n%s" % (deadline, inv.raw[:600],
                                                               run.log[-3000:]))
            self.assertEqual(run_doc, org["run"])  # the result says the same
            if not run_doc["cut"]:
                self.assertEqual(ok, off)
                continue
            if run_doc["drifted"]:
                self.assertIn("(run cut)", doc["subject"])
            else:  # cut before any drift was found: the subject says the check was cut
                self.assertIn("check cut by the deadline", doc["subject"])
            email = self.published("email")
            self.assertIn("This run was cut by the invocation deadline: %d of %d listed member(s) "
                          "checked, %d restored" % (run_doc["checked"], run_doc["members"],
                                                     run_doc["restored"]), email)
            self.assertIn("The next scheduled run continues where this one stopped.", email)
            self.assertIn("*Run cut by the deadline*: %d of %d member(s) checked, %d restored"
                          % (run_doc["checked"], run_doc["members"], run_doc["restored"]),
                          self.published("https"))  # the chat message
            self.assertEqual(run_doc["continues"],
                             "the next scheduled run continues where this one stopped")
            self.assertEqual(run_doc["not_reached"], run_doc["members"] - run_doc["checked"])
            self.assertLess(run_doc["checked"], LATENCY_MEMBERS)
            if run_doc["restored"] > 0:
                cut_with_progress = (deadline, run_doc, [len(ids) for ids in enables])
                break
        self.assertIsNotNone(cut_with_progress, "no deadline cut the run after progress")
        print("cut at deadline %d ms (uncut run %.0f ms): %r, Enable sizes %r"
              % (cut_with_progress[0], wall_ms, cut_with_progress[1], cut_with_progress[2]),
              file=sys.stderr)


SCALE_REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"]
SCALE_ACCOUNT = "123456789012"


class FakeOrgWorld:
    """What harness.run_function needs (function_env, function_arn), over fake_org."""

    def __init__(self, org):
        self.org = org

    def function_arn(self):
        return "arn:aws:lambda:%s:%s:function:%s" % (REGION, SCALE_ACCOUNT,
                                                      harness.FUNCTION_NAME)

    def function_env(self, **overrides):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "AWS_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "ASIAFAKEACCESSKEY123",
            "AWS_SECRET_ACCESS_KEY": "fakeSecretKey/+zZ9EXAMPLEKEYabcdefghij0123",
            "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjEFAKESESSIONTOKEN",
            "AWS_ENDPOINT_URL": self.org.endpoint_url,
            "AWS_LAMBDA_FUNCTION_NAME": harness.FUNCTION_NAME,
            "AWS_LAMBDA_LOG_FORMAT": "TEXT",
            "AWS_LAMBDA_LOG_LEVEL": "INFO",
            "SNS_TOPIC_ARN": "arn:aws:sns:%s:%s:scanwarden-alerts" % (REGION, SCALE_ACCOUNT),
            "SCOPE": "organization",
            "REGIONS": ",".join(SCALE_REGIONS),
        }
        env.update({k: v for k, v in overrides.items() if v is not None})
        return env

    def scheduled_event(self):
        return {"version": "0", "id": "e2e-scale", "detail-type": "Scheduled Event",
                "source": "aws.events", "account": SCALE_ACCOUNT,
                "time": "2026-01-01T00:00:00Z", "region": REGION, "resources": [],
                "detail": {}}


class OrganizationConcurrency(unittest.TestCase):
    """Regions checked together and the request ceiling (docs/organization.md, "Concurrency"),
    against tests/peers/fake_org.py (Inspector2's organization limits; signatures are the
    moto tests' business above), which records what was in flight at once: no timing
    assertion but the ceiling's own."""

    # 300 of the members are the highest account ids, so that the hour's start key
    # (docs/organization.md, "Rotation") has at least 300 members at or after it, whatever
    # the hour (but for the last 300 of 10^12 keys): the reads that overlap the paging
    # happen in every hour, two batches of 100 while the last 4 of the 8 pages are read.
    MEMBERS = sorted({"%012d" % (999999999999 - i) for i in range(300)} |
                     {"%012d" % a for a in random.Random(16).sample(range(10**11, 10**12), 100)})

    @classmethod
    def setUpClass(cls):
        harness.require_bootstrap()
        cls.org = FakeOrg(cls.MEMBERS, SCALE_REGIONS, account=SCALE_ACCOUNT).start()
        cls.world = FakeOrgWorld(cls.org)

    @classmethod
    def tearDownClass(cls):
        cls.org.stop()

    def setUp(self):
        self.org.heal()
        self.org.reset_counts()
        self.org.latency_s = 0.0

    def run_once(self, **env):
        run = run_function(self.world, [self.world.scheduled_event()],
                           self.world.function_env(**env))
        (inv,) = run.invocations
        self.assertTrue(inv.ok, inv)
        return inv, run

    def test_regions_run_together_and_reads_overlap_the_paging_with_one_notification(self):
        off = {r: self.MEMBERS[i::5] for i, r in enumerate(SCALE_REGIONS)}
        for region, ids in off.items():
            self.org.drift(region, ids)
        self.org.latency_s = 0.05  # a distant AWS: requests in flight long enough to overlap
        inv, run = self.run_once()
        # Every region was checked, together: the peer saw requests of all four in flight
        # at once, and in each region more than one (status reads during the paging).
        regions = inv.body["organization"]["regions"]
        self.assertEqual(sorted(r["region"] for r in regions), sorted(SCALE_REGIONS))
        for r in regions:
            self.assertTrue(r["complete"], r)
            self.assertEqual((r["members"], r["checked"]), (len(self.MEMBERS), len(self.MEMBERS)))
            self.assertEqual(r["restored"], len(off[r["region"]]))
        self.assertEqual(self.org.regions_in_flight_max, len(SCALE_REGIONS))
        for region in SCALE_REGIONS:  # status reads went out while the members were paged
            self.assertGreaterEqual(self.org.read_while_paging.get(region, 0), 1, region)
        # Nothing is left off anywhere.
        for region in SCALE_REGIONS:
            self.assertEqual([a for a, st in self.org.ecr[region].items() if st != "ENABLED"],
                             [])
        # One notification for the run, over every region.
        (note,) = self.org.published
        self.assertIn("ECR scanning restored in %d member(s)" % sum(map(len, off.values())),
                      note["Subject"])

    def test_one_region_at_a_time_when_told(self):
        self.org.latency_s = 0.02
        inv, run = self.run_once(ORG_REGION_CONCURRENCY="1")
        self.assertEqual(len(inv.body["organization"]["regions"]), len(SCALE_REGIONS))
        self.assertEqual(self.org.regions_in_flight_max, 1)

    def test_the_request_ceiling_holds_per_service_and_region(self):
        # No latency: unbounded, the function would send hundreds of requests a second.
        inv, run = self.run_once(MAX_AWS_REQUESTS_PER_SECOND="10",
                                 REGIONS=",".join(SCALE_REGIONS[:2]))
        self.assertTrue(all(r["complete"] for r in inv.body["organization"]["regions"]))
        lanes = {}
        for op, region, start, _end in self.org.calls_of():
            lanes.setdefault((op.split(":")[0], region), []).append(start)
        self.assertGreaterEqual(len(lanes[("inspector2", REGION)]), 12)
        # The gate spaces the attempts' starts 100 ms apart; the peer sees each a little
        # later, by up to a connection set-up or a moment the process was not scheduled:
        # 50 ms of slack natively, more under an emulator (SW_E2E_TIMEOUT_FACTOR), where a
        # stall can bunch two arrivals. Unbounded, the function would send hundreds a second.
        slack = min(0.05 * harness.TIMEOUT_FACTOR, 0.5)
        for lane, starts in lanes.items():
            starts.sort()
            # At most 10 in any second, less the slack.
            for i, t in enumerate(starts):
                inside = [u for u in starts[i:] if u < t + 1.0 - slack]
                self.assertLessEqual(len(inside), 10, (lane, slack, starts))
            # And on average over the whole run, where jitter counts only at the two ends.
            self.assertLessEqual(len(starts) - 1, 10 * (starts[-1] - starts[0] + slack),
                                 (lane, slack, starts))

    def test_invalid_settings_are_configuration_errors_naming_the_variable(self):
        for name, value in (("ORG_REGION_CONCURRENCY", "0"), ("ORG_REGION_CONCURRENCY", "33"),
                            ("MAX_AWS_REQUESTS_PER_SECOND", "0"),
                            ("MAX_AWS_REQUESTS_PER_SECOND", "fast")):
            run = run_function(self.world, [self.world.scheduled_event()],
                               self.world.function_env(**{name: value}))
            self.assertIsNotNone(run.init_error, (name, value))
            self.assertIn(name, run.init_error.raw, (name, value))
            self.assertEqual(self.org.calls_of(), [])


if __name__ == "__main__":
    unittest.main()
